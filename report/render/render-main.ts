// The render process (see render-process.ts): render requests over IPC, one answer each.
import { renderAll, type RenderInput } from './render-all';

process.on('message', (message: { id: number; input: RenderInput }) => {
  renderAll(message.input).then(
    (files) => process.send?.({ id: message.id, files }),
    (err: unknown) => process.send?.({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
// The worker that started it has gone: so does it.
process.on('disconnect', () => process.exit(0));
