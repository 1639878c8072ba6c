import { inflateSync } from 'node:zlib';

/** What a PNG shows, as far as telling a real picture from a blank one goes. */
export interface PngSummary {
  width: number;
  height: number;
  /** Distinct pixel colours (RGBA packed), counted up to `limit`. */
  distinctColours: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Bytes per pixel of the 8-bit colour types: grey, RGB, grey+alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export interface DecodedPng {
  width: number;
  height: number;
  /** Bytes per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  /** The pixels, row after row, filters undone. */
  pixels: Buffer;
}

/**
 * Decodes an 8-bit, non-interlaced PNG (what Chromium's screenshots are): IHDR, the IDAT stream
 * inflated, each scanline's filter undone (None, Sub, Up, Average, Paeth).
 */
export function decodePng(png: Buffer): DecodedPng {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG (bad signature)');
  let offset = 8;
  let header: { width: number; height: number; bitDepth: number; colourType: number; interlace: number } | undefined;
  const idat: Buffer[] = [];
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (data.length !== length) throw new Error(`PNG chunk ${type} truncated`);
    if (type === 'IHDR') {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data.readUInt8(8),
        colourType: data.readUInt8(9),
        interlace: data.readUInt8(12),
      };
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  if (!header) throw new Error('PNG has no IHDR chunk');
  const channels = CHANNELS[header.colourType];
  if (header.bitDepth !== 8 || channels === undefined || header.interlace !== 0) {
    throw new Error(
      `unsupported PNG: bit depth ${header.bitDepth}, colour type ${header.colourType}, interlace ${header.interlace}`,
    );
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = header.width * channels;
  if (raw.length < header.height * (stride + 1)) throw new Error('PNG image data shorter than its IHDR says');

  const rows: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(stride);
  for (let y = 0; y < header.height; y++) {
    const start = y * (stride + 1);
    previous = unfilter(raw[start] ?? 0, raw.subarray(start + 1, start + 1 + stride), previous, channels);
    rows.push(previous);
  }
  return { width: header.width, height: header.height, channels, pixels: Buffer.concat(rows) };
}

/** Size and distinct colours (counted up to `limit`): enough to tell a picture from a blank page. */
export function summarisePng(png: Buffer, limit = 1024): PngSummary {
  const { width, height, channels, pixels } = decodePng(png);
  const colours = new Set<string>();
  for (let i = 0; i < pixels.length && colours.size < limit; i += channels) {
    colours.add(pixels.subarray(i, i + channels).toString('hex'));
  }
  return { width, height, distinctColours: colours.size };
}

function unfilter(filter: number, line: Buffer, above: Buffer, bpp: number): Buffer {
  const out = Buffer.alloc(line.length);
  for (let i = 0; i < line.length; i++) {
    const a = i >= bpp ? (out[i - bpp] ?? 0) : 0;
    const b = above[i] ?? 0;
    const c = i >= bpp ? (above[i - bpp] ?? 0) : 0;
    const x = line[i] ?? 0;
    switch (filter) {
      case 0:
        out[i] = x;
        break;
      case 1:
        out[i] = (x + a) & 0xff;
        break;
      case 2:
        out[i] = (x + b) & 0xff;
        break;
      case 3:
        out[i] = (x + ((a + b) >> 1)) & 0xff;
        break;
      case 4:
        out[i] = (x + paeth(a, b, c)) & 0xff;
        break;
      default:
        throw new Error(`PNG scanline with unknown filter type ${filter}`);
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
