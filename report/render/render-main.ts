// The render process (see render-process.ts): render requests over IPC, one answer each.
import { renderAll, type RenderInput } from './render-all';
import { PdfPrinter } from './pdf';

/** Its one browser, started by the first report that asks for a PDF and kept for the next ones. */
const printer = new PdfPrinter();

process.on('message', (message: { id: number; input: RenderInput }) => {
  renderAll(message.input, printer).then(
    (files) => process.send?.({ id: message.id, files }),
    (err: unknown) => process.send?.({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
// The worker that started it has gone: so does it.
process.on('disconnect', () => process.exit(0));
