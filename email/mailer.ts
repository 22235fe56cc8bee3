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
    socketTimeout: timeoutMs * 2,
  });
}
