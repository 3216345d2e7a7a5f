/**
 * Resolves once the browser has had the chance to paint what React last rendered: after the next
 * animation frame (and a task, so the frame is drawn), or after `timeoutMs` in a hidden tab, where
 * frames do not come. Long synchronous work (scrypt, decryption) started right after a progress
 * step would otherwise keep the step from ever appearing on screen.
 * @param timeoutMs @default 100
 */
export function nextPaint(timeoutMs = 100): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    requestAnimationFrame(() => setTimeout(done, 0));
    setTimeout(done, timeoutMs);
  });
}
