import { describe, expect, it } from 'vitest';
import { createUiState, routeOf, routeSegments } from './uiState.ts';

describe('ui state', () => {
  it('notifies on real changes only', () => {
    const ui = createUiState({ open: false, route: 'errors' });
    let changes = 0;
    ui.subscribe(() => {
      changes += 1;
    });
    expect(ui.getSnapshot()).toEqual({ open: false, route: '/errors' });
    ui.setOpen(true);
    ui.setOpen(true);
    ui.navigate('/errors');
    ui.navigate('/traces/abc');
    expect(changes).toBe(2);
    expect(ui.getSnapshot()).toEqual({ open: true, route: '/traces/abc' });
  });

  it('encodes and decodes route segments', () => {
    const route = routeOf('errors', 'a/b c', 'ü');
    expect(route).toBe('/errors/a%2Fb%20c/%C3%BC');
    expect(routeSegments(route)).toEqual(['errors', 'a/b c', 'ü']);
    expect(routeSegments('/errors/%E0%A4%A')).toEqual(['errors', '%E0%A4%A']);
  });
});
