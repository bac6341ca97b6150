// Vite turns `?inline` CSS imports into the built CSS text.
declare module '*.css?inline' {
  const css: string;
  export default css;
}
