import type { Config } from '../config/config';

/** The report languages: the config schema is the one list. Every part of a report is written in one of them. */
export type Locale = Config['report']['locale'];
