// pdf.js for the PDF previews: loaded only when a preview is shown, with its worker
// bundled by Vite (no CDN: the app runs offline).
import type { PDFDocumentProxy } from 'pdfjs-dist';

export async function loadPdfjs() {
  const pdfjs = await import('pdfjs-dist');
  const worker = (await import('pdfjs-dist/build/pdf.worker.min.mjs?url')).default;
  pdfjs.GlobalWorkerOptions.workerSrc = worker;
  return pdfjs;
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
