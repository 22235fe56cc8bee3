// The sales loader as its own process (see load-process.ts): options as JSON on stdin, one JSON answer on stdout.
import { loadSalesViews, SalesDataError, type LoadSalesOptions } from './load';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const options = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadSalesOptions;
  try {
    process.stdout.write(JSON.stringify({ views: await loadSalesViews(options) }));
  } catch (err) {
    const e = err as Error;
    const problems = err instanceof SalesDataError ? err.problems : undefined;
    process.stdout.write(
      JSON.stringify({ error: { message: e.message, salesData: err instanceof SalesDataError, problems } }),
    );
  }
}

void main();
