/**
 * A letter, digit, punctuation mark or symbol that shows on screen. Not
 * counted: spaces, control and format characters (NUL, U+202E, zero-width
 * space), other default-ignorable ones (Hangul fillers, variation selectors)
 * and the blank Braille pattern; a combining mark alone shows nothing either.
 */
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

/** True when a person reading `text` would see something: a reason must say something. */
export const hasVisibleText = (text: string): boolean => VISIBLE.test(text);

export const INVISIBLE_ONLY = 'has no visible characters (only spaces, control or invisible characters); write it out in words';
