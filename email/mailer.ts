import nodemailer, { type Transporter } from 'nodemailer';
import type { Config, Secrets } from '../config/config';

export function createMailer(config: Config, secrets: Secrets): Transporter {
  const smtp = config.email.smtp;
  const timeoutMs = smtp.connectionTimeoutSeconds * 1000;
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    auth: smtp.user ? { user: smtp.user, pass: secrets.smtpPassword } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    // The longest silence in a session is the relay's answer to the end of DATA: RFC 5321 gives it 10 minutes.
    socketTimeout: Math.max(timeoutMs * 2, smtp.dataTimeoutSeconds * 1000),
  });
}
