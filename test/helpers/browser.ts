/** The tests look at the email through the same headless Chromium that prints the product's PDFs. */
export { launchBrowser } from '../../report/render/browser';
