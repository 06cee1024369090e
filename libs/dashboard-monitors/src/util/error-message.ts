/** A one-line description of anything thrown, for status fields shown to the operator. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = error.message || error.name;
    return typeof code === 'string' && code && !text.includes(code) ? `${text} (${code})` : text;
  }
  return String(error);
}
