import nodemailer, { type Transporter } from 'nodemailer';
import type { Config, Secrets } from '../config/config';

type SmtpRelay = Config['email']['smtp'];

function transportTo(smtp: SmtpRelay, password: string | undefined): Transporter {
  const timeoutMs = smtp.connectionTimeoutSeconds * 1000;
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    auth: smtp.user ? { user: smtp.user, pass: password } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    // The longest silence in a session is the relay's answer to the end of DATA: RFC 5321 gives it 10 minutes.
    socketTimeout: Math.max(timeoutMs * 2, smtp.dataTimeoutSeconds * 1000),
  });
}

/** The report's relay (email.smtp). */
export function createMailer(config: Config, secrets: Secrets): Transporter {
  return transportTo(config.email.smtp, secrets.smtpPassword);
}

/** The alerts' own relay (alerts.smtp), when the config names one: alerts then do not depend on the report's. */
export function createAlertMailer(config: Config, secrets: Secrets): Transporter | undefined {
  return config.alerts.smtp && transportTo(config.alerts.smtp, secrets.alertSmtpPassword);
}
