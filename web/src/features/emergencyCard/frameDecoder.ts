/** Reads the text of a QR code in the video's current frame, or undefined when none is seen. */
export type FrameDecoder = ((video: HTMLVideoElement) => Promise<string | undefined>) & {
  /** Which reader is used: the browser's own, or jsQR on pixels. */
  engine: "BarcodeDetector" | "jsQR";
};

/** The parts of the Barcode Detection API used here (not yet in TypeScript's DOM types). */
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): { detect(source: CanvasImageSource): Promise<{ rawValue: string }[]> };
  getSupportedFormats(): Promise<string[]>;
}

/** Frames are scaled down to this many pixels on their long side before jsQR reads them. */
const MAX_SIDE = 640;

/**
 * The browser's BarcodeDetector where it reads QR codes (Chrome on Android and macOS, Safari),
 * else jsQR on the frame's pixels, loaded only now so the rest of the dApp does not carry it.
 */
export async function frameDecoder(): Promise<FrameDecoder> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (Detector && (await Detector.getSupportedFormats().catch((): string[] => [])).includes("qr_code")) {
    const detector = new Detector({ formats: ["qr_code"] });
    return Object.assign(async (video: HTMLVideoElement) => (await detector.detect(video))[0]?.rawValue, {
      engine: "BarcodeDetector" as const,
    });
  }
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return Object.assign(
    async (video: HTMLVideoElement) => {
      const { videoWidth: width, videoHeight: height } = video;
      if (!context || !width || !height) return undefined;
      const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      return jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" })?.data || undefined;
    },
    { engine: "jsQR" as const },
  );
}
