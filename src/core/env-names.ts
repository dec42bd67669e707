/**
 * Environment-variable names as POSIX shells accept them. Secret keys that Hush hands to processes and files
 * (`hush run`, `hush export` as shell, dotenv or a Kubernetes Secret, `${{secret.KEY}}` templates) must be such names:
 * one key that is not breaks the export of its whole environment.
 */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The rule in words, for error messages. */
export const ENV_VAR_NAME_RULE = 'letters, digits and "_" only, not starting with a digit (e.g. DB_URL)';
