/** What any child process may see of the worker's environment: paths, user, locale, time zone, temp dir. */
const BASE = /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|TZ|TMPDIR|LC_\w+)$/;

/**
 * A child process's environment: the base allow-list, what `also` matches, and the names in `pass` (configured per
 * child). The worker's secrets (SMTP_PASSWORD, AWS keys, TEMPORAL_API_KEY, SALES_REPORT_ENCRYPTION_KEYS, the
 * database URL) reach no child, nor its /proc/<pid>/environ, unless a name is passed on purpose.
 */
export function childEnvironment(
  env: NodeJS.ProcessEnv,
  pass: readonly string[] = [],
  also?: RegExp,
): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) => value !== undefined && (BASE.test(name) || also?.test(name) || pass.includes(name)),
    ),
  );
}
