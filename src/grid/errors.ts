/**
 * A grid that cannot be read, with the 0-based offset into the grid text
 * where reading stopped and what was expected there. Directives turn the
 * offset into a line and column of the commit message.
 */
export class GridSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly expected: string,
  ) {
    super(message);
  }
}
