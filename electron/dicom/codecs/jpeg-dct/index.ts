export { decodeJpegDct, jpegPrecision, type JpegImage } from './decode';
