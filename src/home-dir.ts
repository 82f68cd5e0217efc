/**
 * The user's home directory as os.homedir() gives it, which reads $HOME first on POSIX (and
 * USERPROFILE on Windows): reading $HOME here gives the same answer without loading node:os on
 * every start. `fallback` is os.homedir.
 */
export function homedirFrom(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, fallback: () => string): string {
  return (platform !== 'win32' && env.HOME) || fallback();
}
