/**
 * The `command` GPU provider's shell templates (gpu.command.start / stop / status): the one home of their placeholders,
 * checked here when the config loads and expanded by gpu/providers/command.ts.
 */
/** The placeholders of the shell commands, and the environment variable each one's value travels in. */
export const SHELL_PLACEHOLDERS = {
  owner: 'SALES_REPORT_OWNER',
  instanceId: 'SALES_REPORT_INSTANCE_ID',
  model: 'SALES_REPORT_MODEL',
} as const;
export type ShellPlaceholder = keyof typeof SHELL_PLACEHOLDERS;
export const isShellPlaceholder = (name: string): name is ShellPlaceholder => Object.hasOwn(SHELL_PLACEHOLDERS, name);

/**
 * What is wrong with a start / stop / status template: an unknown placeholder, or one inside quotes. A placeholder
 * becomes a reference to the environment variable holding its value ("$SALES_REPORT_OWNER"), which the shell expands
 * as one word and never parses again, so no value (a workflow id typed in the Web UI) can become shell syntax; inside
 * quotes that reference would be wrong or split, so it is refused here, at config load.
 */
export function commandTemplateProblems(field: string, template: string): string[] {
  const problems: string[] = [];
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '$' && template[i + 1] === '{') {
      const end = template.indexOf('}', i);
      const name = template.slice(i + 2, end < 0 ? undefined : end);
      if (!isShellPlaceholder(name)) {
        problems.push(
          `${field}: unknown placeholder "\${${name}}" (known: ${Object.keys(SHELL_PLACEHOLDERS).join(', ')})`,
        );
      } else if (quote) {
        problems.push(
          `${field}: "\${${name}}" is inside ${quote === '"' ? 'double' : 'single'} quotes at column ${i + 1}; ` +
            'write it bare: its value is passed as one shell word',
        );
      }
      if (end < 0) break;
      i = end;
    } else if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === '\\') {
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    }
  }
  return problems;
}
