export { DecimalAmount, DecimalFormatError } from './decimal-amount';
