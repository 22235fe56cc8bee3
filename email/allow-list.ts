import type { Config } from '../config/config';
import { reportDefinitions } from '../report/definitions';

/** Who a recipients override may name: email.allowedRecipients, else the configured recipients' domains. */
export function allowedRecipients(config: Config): string[] {
  const { email } = config;
  const configured = [
    ...email.to,
    ...email.cc,
    ...email.bcc,
    ...email.alertTo,
    ...reportDefinitions(config).flatMap((d) => [
      ...d.to,
      ...d.cc,
      ...d.bcc,
      ...Object.values(d.splitRecipients ?? {}).flat(),
    ]),
  ];
  return email.allowedRecipients ?? [...new Set(configured.map((a) => a.split('@')[1]!.toLowerCase()))];
}

/** The addresses outside the allow-list: an entry with "@" is an address, one without a domain. */
export function outsideAllowList(config: Config, addresses: string[]): string[] {
  const allowed = allowedRecipients(config).map((a) => a.toLowerCase().replace(/^@/, ''));
  return addresses.filter((address) => {
    const a = address.toLowerCase();
    const domain = a.split('@')[1] ?? '';
    return !allowed.some((entry) => (entry.includes('@') ? entry === a : entry === domain));
  });
}
