import { resolveLlamaServer } from './llama';

// Provisions the real model server and its weights for the real-model test, demo and benchmark (cached under ~/.cache/sales-report).
resolveLlamaServer().then(
  ({ python, model }) => console.log(`llama-cpp-python: ${python}\nweights: ${model}`),
  (err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);
