/**
 * Resolves once the browser has painted what React last rendered: after two animation frames (React
 * may commit a state set just before the first one only after its callbacks, so the second frame is
 * the first sure to draw it) and a task, so that frame is on screen. In a hidden tab, where frames do
 * not come, it resolves after a task; `timeoutMs` bounds the wait if the tab is hidden meanwhile.
 * Long synchronous work (scrypt, decryption) started right after a progress step would otherwise keep
 * the step from ever appearing on screen.
 * @param timeoutMs @default 1000
 */
export function nextPaint(timeoutMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    if (document.visibilityState === "hidden") {
      setTimeout(done, 0);
      return;
    }
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)));
    setTimeout(done, timeoutMs);
  });
}
