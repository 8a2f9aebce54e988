// pdf.js for the PDF previews: loaded only when a preview is shown, with its worker
// bundled by Vite (no CDN: the app runs offline) and served from the app's origin,
// as the page's Content-Security-Policy requires (worker-src 'self').
import type { PDFDocumentLoadingTask, PDFDocumentProxy } from 'pdfjs-dist';

async function loadPdfjs() {
  const pdfjs = await import('pdfjs-dist');
  const worker = (await import('pdfjs-dist/build/pdf.worker.min.mjs?url')).default;
  pdfjs.GlobalWorkerOptions.workerSrc = worker;
  return pdfjs;
}

// openPdf starts loading a document from the app (a /files/ URL) or from bytes.
// Every document gets the same options: pdf.js 6 has no eval left (5.x's
// isEvalSupported and the glyph and function compilers it switched are gone; the
// page's policy forbids eval anyway), XFA forms stay off, and pdf.js' scripting
// sandbox for a PDF's JavaScript belongs to its viewer, which the app does not use:
// only the pages are drawn into canvases.
export async function openPdf(src: { url: string } | { data: Uint8Array }): Promise<PDFDocumentLoadingTask> {
  const pdfjs = await loadPdfjs();
  return pdfjs.getDocument({ ...src, enableXfa: false });
}

// pageCanvas returns a canvas the size of page n of doc, labelled for screen readers
// with label, and draw, which renders the page into it (the caller decides whether
// the canvas is shown before or after).
export async function pageCanvas(
  doc: PDFDocumentProxy,
  n: number,
  label: string,
): Promise<{ canvas: HTMLCanvasElement; draw: () => Promise<void> }> {
  const page = await doc.getPage(n);
  const viewport = page.getViewport({ scale: 1.3 });
  const canvas = document.createElement('canvas');
  canvas.width = viewport.width;
  canvas.height = viewport.height;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${label}, Seite ${n} von ${doc.numPages}`);
  const draw = async () => {
    const ctx = canvas.getContext('2d');
    if (ctx) await page.render({ canvasContext: ctx, viewport, canvas }).promise;
  };
  return { canvas, draw };
}
