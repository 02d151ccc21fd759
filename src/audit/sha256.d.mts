/** Hex SHA-256 of a string's UTF-8 bytes, or of a buffer. */
export declare const sha256Hex: (data: string | Buffer) => string;
