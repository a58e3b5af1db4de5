/**
 * Text from outside (commit messages, grid values, a training function's
 * error) made safe to print: a control character must not reach the
 * terminal or a CI log as an escape sequence.
 */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, "?");
}
