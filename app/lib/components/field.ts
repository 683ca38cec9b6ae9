// What a form field's control points screen readers at: its hint and its error line, by the ids the field gives
// them (TextField, SelectField, TextArea), so a reader hears why a field was refused when they land on it.
export function describedBy(name: string, hint: string | undefined, error: string | undefined): string | undefined {
  return [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
}
