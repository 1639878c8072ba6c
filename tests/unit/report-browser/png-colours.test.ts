import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, summarisePng } from './png-colours.js';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  // The CRC is not checked by the decoder; zeros keep the fixture short.
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}

/** An 8-bit PNG from already-filtered scanlines (each starting with its filter byte). */
function png(width: number, height: number, colourType: number, scanlines: number[][], idatParts = 1): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8);
  ihdr.writeUInt8(colourType, 9);
  const compressed = deflateSync(Buffer.from(scanlines.flat()));
  const step = Math.ceil(compressed.length / idatParts);
  const idats = Array.from({ length: idatParts }, (_, i) =>
    chunk('IDAT', compressed.subarray(i * step, (i + 1) * step)),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...idats,
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('summarisePng', () => {
  it('a single-colour image has one colour', () => {
    const white = [0, 255, 255, 255, 255, 255, 255, 255, 255, 255];
    const summary = summarisePng(png(3, 2, 2, [white, [2, 0, 0, 0, 0, 0, 0, 0, 0, 0]]));
    expect(summary).toEqual({ width: 3, height: 2, distinctColours: 1 });
  });

  it('undoes Sub and Up filters', () => {
    // Row 0 (Sub): (10,20,30) (15,25,35). Row 1 (Up): (10,20,30) (16,26,36).
    const image = png(
      2,
      2,
      2,
      [
        [1, 10, 20, 30, 5, 5, 5],
        [2, 0, 0, 0, 1, 1, 1],
      ],
      2,
    );
    expect([...decodePng(image).pixels]).toEqual([10, 20, 30, 15, 25, 35, 10, 20, 30, 16, 26, 36]);
    expect(summarisePng(image).distinctColours).toBe(3);
  });

  it('undoes Average and Paeth filters', () => {
    // Grey. Row 0 (None): 100 50. Row 1 (Average): 4 + (0+100)/2 = 54; 0 + (54+50)/2 = 52.
    // Row 2 (Paeth): a=0 b=54 c=0 picks b: 54; a=54 b=52 c=54 (p=52) picks b: 52 + 3 = 55.
    const rows = [
      [0, 100, 50],
      [3, 4, 0],
      [4, 0, 3],
    ];
    expect([...decodePng(png(2, 3, 0, rows)).pixels]).toEqual([100, 50, 54, 52, 54, 55]);
  });

  it('a blank page stays one colour whatever filters the encoder chose', () => {
    const rows = [
      [1, 7, 0],
      [2, 0, 0],
      [4, 0, 0],
      [3, 4, 4],
    ];
    // Average on the last row: 4 + (0+7)/2 = 7; 4 + (7+7)/2 = 11 — not blank after all.
    expect(summarisePng(png(2, 3, 0, rows.slice(0, 3))).distinctColours).toBe(1);
    expect(summarisePng(png(2, 4, 0, rows)).distinctColours).toBe(2);
  });

  it('counts RGBA colours with alpha', () => {
    const summary = summarisePng(png(2, 1, 6, [[0, 1, 2, 3, 255, 1, 2, 3, 0]]));
    expect(summary.distinctColours).toBe(2);
  });

  it('rejects what it cannot read, with the reason', () => {
    expect(() => summarisePng(Buffer.from('not a png'))).toThrow(/bad signature/);
    const sixteenBit = png(1, 1, 2, [[0, 0, 0, 0, 0, 0, 0]]);
    sixteenBit.writeUInt8(16, 8 + 8 + 8);
    expect(() => summarisePng(sixteenBit)).toThrow(/bit depth 16/);
    expect(() => summarisePng(png(1, 1, 0, [[9, 0]]))).toThrow(/unknown filter type 9/);
  });
});
