import { QUIET_ZONE, type QrMatrix } from "./qrMatrix";

/** What the card says, top to bottom, around its code. */
export interface CardText {
  /** The patient's name, when the dApp knows it. */
  name?: string;
  headline: string;
  instructions: string;
}

/** The card's red, shared with emergencyCard.css. */
export const CARD_RED = "#b3261e";
const WIDTH = 1000;
const PAD = 64;
const BAND = 132;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** `text` broken into lines no wider than `width` in the context's current font. */
function wrap(context: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && context.measureText(candidate).width > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/** A white cross on the band, as on the card shown on screen. */
function drawCross(context: CanvasRenderingContext2D, x: number, y: number, side: number) {
  const arm = side / 3;
  context.fillRect(x + arm, y, arm, side);
  context.fillRect(x, y + arm, side, arm);
}

/**
 * The card as a PNG (1000 px wide, for a phone's photos or a printer): the red band, the name, the
 * headline, the code with its quiet zone, and the instructions. Only the text given and the code's
 * link are drawn: no health data.
 */
export function cardPng(matrix: QrMatrix, text: CardText): Promise<Blob> {
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d");
  if (!context) return Promise.reject(new Error("This browser cannot draw images, so the card cannot be saved."));
  const inner = WIDTH - 2 * PAD;
  const moduleSide = Math.floor(inner / (matrix.size + 2 * QUIET_ZONE));
  const qrSide = moduleSide * (matrix.size + 2 * QUIET_ZONE);

  // Measure first, to size the canvas; setting its size clears the context's state.
  const headlineFont = `500 38px ${FONT}`;
  const nameFont = `700 60px ${FONT}`;
  const instructionsFont = `30px ${FONT}`;
  context.font = headlineFont;
  const headline = wrap(context, text.headline, inner);
  context.font = instructionsFont;
  const instructions = wrap(context, text.instructions, inner);
  const nameHeight = text.name ? 84 : 0;
  const height = BAND + 48 + nameHeight + headline.length * 52 + 24 + qrSide + 24 + instructions.length * 42 + PAD;
  canvas.width = WIDTH;
  canvas.height = height;

  context.fillStyle = "#fff";
  context.fillRect(0, 0, WIDTH, height);
  context.fillStyle = CARD_RED;
  context.fillRect(0, 0, WIDTH, BAND);
  context.fillStyle = "#fff";
  drawCross(context, PAD, (BAND - 60) / 2, 60);
  context.font = `700 52px ${FONT}`;
  context.textBaseline = "middle";
  context.fillText("Emergency card", PAD + 88, BAND / 2);

  context.textBaseline = "top";
  context.fillStyle = "#111";
  let y = BAND + 48;
  if (text.name) {
    context.font = nameFont;
    context.fillText(text.name, PAD, y, inner);
    y += nameHeight;
  }
  context.font = headlineFont;
  for (const line of headline) {
    context.fillText(line, PAD, y);
    y += 52;
  }
  y += 24;
  // Whole pixels: a module edge on a half pixel blurs into grey seams that readers stumble on.
  const qrX = Math.floor((WIDTH - qrSide) / 2);
  context.fillStyle = "#000";
  for (let row = 0; row < matrix.size; row++) {
    for (let column = 0; column < matrix.size; column++) {
      if (matrix.isDark(row, column))
        context.fillRect(
          qrX + (column + QUIET_ZONE) * moduleSide,
          y + (row + QUIET_ZONE) * moduleSide,
          moduleSide,
          moduleSide,
        );
    }
  }
  y += qrSide + 24;
  context.fillStyle = "#333";
  context.font = instructionsFont;
  for (const line of instructions) {
    context.fillText(line, PAD, y);
    y += 42;
  }

  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("The card image could not be made in this browser."))),
      "image/png",
    ),
  );
}
