/** Arguments that start the simulator as the local-process "GPU" (the config default, plus extra switches). */
export function simulatorArgs(extra: string[] = []): string[] {
  return ['--require', 'tsx/cjs', 'sim/main.ts', '--port', '${port}', '--model', '${model}', ...extra];
}
