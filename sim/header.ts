/** Set on every simulator response, so output written by the simulator is never mistaken for a model's. */
export const SIMULATOR_HEADER = 'x-vllm-simulator';
