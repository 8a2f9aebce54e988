// The window never leaves the app. A link, a form, a dropped file or window.open
// would load another page into the window that holds the bindings to every Go
// method; Wails v2 does not stop such navigation itself, and a Content-Security-
// Policy cannot. So the page refuses it: clicks on links that lead elsewhere do
// nothing, window.open opens nothing, and a file or link dropped outside a drop
// zone is not opened by the web view (the drop zones handle their own drops).

/** Reports whether href, resolved against the page, leaves the app's page. */
export function leavesApp(href: string, here: Location | URL): boolean {
  let to: URL;
  try {
    to = new URL(href, here.href);
  } catch {
    return true;
  }
  return to.origin !== here.origin || to.pathname !== here.pathname;
}

/** Installs the guard on win; returns a function that removes it. */
export function guardNavigation(win: Window): () => void {
  const doc = win.document;
  const onClick = (e: MouseEvent) => {
    const a = (e.target as Element | null)?.closest?.('a[href], area[href]');
    if (a && leavesApp(a.getAttribute('href') ?? '', win.location)) e.preventDefault();
  };
  const onDrop = (e: DragEvent) => {
    // Dropped files and links: the web view would navigate to them.
    if (!e.defaultPrevented) e.preventDefault();
  };
  const onDragOver = (e: DragEvent) => e.preventDefault();
  const onSubmit = (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    if (form.getAttribute('action') !== null) e.preventDefault();
  };
  const open = win.open;
  win.open = () => null;
  doc.addEventListener('click', onClick, true);
  doc.addEventListener('auxclick', onClick, true);
  doc.addEventListener('submit', onSubmit, true);
  win.addEventListener('dragover', onDragOver);
  win.addEventListener('drop', onDrop);
  return () => {
    win.open = open;
    doc.removeEventListener('click', onClick, true);
    doc.removeEventListener('auxclick', onClick, true);
    doc.removeEventListener('submit', onSubmit, true);
    win.removeEventListener('dragover', onDragOver);
    win.removeEventListener('drop', onDrop);
  };
}
