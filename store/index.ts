import { required, type Config } from '../config/config';
import { LocalStore } from './local-store';
import { S3Store } from './s3-store';
import type { Store } from './store';

export type { Store };

/** The configured store: the local directory by default, S3 for workers on several hosts. */
export function createStore(config: Config): Store {
  const { store } = config;
  if (store.kind === 's3') return new S3Store(required(store.s3, '/store/s3', '/store/kind is "s3"'));
  return new LocalStore(store.dir);
}
