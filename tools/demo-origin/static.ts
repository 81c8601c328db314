import { SITE_CSS } from './styles';

// The few non-HTML files a site serves, so a browser behind the paywall gets no stray 404s
// and the proxy's pass-through of non-article responses can be exercised.

export const ROBOTS_TXT = 'User-agent: *\nAllow: /\nDisallow: /print/\n\nSitemap: /feed.xml\n';

export { SITE_CSS };

/**
 * A 16×16 ICO in the Courier's red with a white square in the middle, built once at start-up:
 * a real icon (not a 204) so browsers stop asking, without a binary file in the repo.
 */
export const FAVICON_ICO: Uint8Array = buildFavicon();

function buildFavicon(): Uint8Array {
  const size = 16;
  const pixels = size * size * 4; // 32-bit BGRA, rows bottom-up
  const mask = size * 4; // 1-bit AND mask, rows padded to 4 bytes
  const dib = 40 + pixels + mask;
  const out = new Uint8Array(6 + 16 + dib);
  const view = new DataView(out.buffer);
  // ICONDIR: reserved, type 1 (icon), one image.
  view.setUint16(2, 1, true);
  view.setUint16(4, 1, true);
  // ICONDIRENTRY: width, height, colours, reserved, planes, bpp, size, offset.
  out[6] = size;
  out[7] = size;
  view.setUint16(10, 1, true);
  view.setUint16(12, 32, true);
  view.setUint32(14, dib, true);
  view.setUint32(18, 22, true);
  // BITMAPINFOHEADER; the height counts the image and its mask.
  const bmp = 22;
  view.setUint32(bmp, 40, true);
  view.setInt32(bmp + 4, size, true);
  view.setInt32(bmp + 8, size * 2, true);
  view.setUint16(bmp + 12, 1, true);
  view.setUint16(bmp + 14, 32, true);
  view.setUint32(bmp + 20, pixels + mask, true);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inner = x >= 5 && x < 11 && y >= 5 && y < 11;
      const at = bmp + 40 + (y * size + x) * 4;
      out.set(inner ? [0xff, 0xff, 0xff, 0xff] : [0x1c, 0x1c, 0x8a, 0xff], at);
    }
  }
  return out; // the AND mask stays zero: every pixel is opaque
}
