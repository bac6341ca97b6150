export class CheckoutError extends Error {
  override name = 'CheckoutError';
}

export class ResourceNotFoundError extends Error {
  override name = 'ResourceNotFoundError';
}

/** What a page does when it reads a cart that lost its prices. */
export function applyCoupon(cart: { items: { price?: number }[] }, coupon: string): number {
  const total = cart.items.reduce((sum, item) => sum + (item.price ?? Number.NaN), 0);
  if (Number.isNaN(total)) throw new CheckoutError(`Cart total is NaN after applying coupon ${coupon}`);
  return total;
}

export function loadResource(path: string): never {
  throw new ResourceNotFoundError(`Resource not found: ${path}`);
}
