/* SPDX-License-Identifier: MIT */
/*
 * ascii - the ASCII character classes the parsers, the CSV classes and the
 * reports use, without <ctype.h>: no locale, no undefined behaviour for
 * negative char values, and a byte >= 0x80 is never a letter, digit or
 * space. Each takes the byte as unsigned char (a plain char converts).
 */
#ifndef HV_ASCII_H
#define HV_ASCII_H

#include <stdbool.h>

/* is_digit - '0'..'9'. */
static inline bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* is_upper - 'A'..'Z'. */
static inline bool is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

/* is_lower - 'a'..'z'. */
static inline bool is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

/* is_alpha - an ASCII letter. */
static inline bool is_alpha(unsigned char c)
{
    return is_upper(c) || is_lower(c);
}

/* is_alnum - an ASCII letter or digit. */
static inline bool is_alnum(unsigned char c)
{
    return is_alpha(c) || is_digit(c);
}

/* is_xdigit - a hexadecimal digit, either case. */
static inline bool is_xdigit(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* is_space - the C locale's white space: space, \t, \n, \v, \f, \r. */
static inline bool is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* to_lower - c with 'A'..'Z' mapped to 'a'..'z'; every other byte as is. */
static inline char to_lower(unsigned char c)
{
    return (char)(is_upper(c) ? c - 'A' + 'a' : c);
}

/* to_upper - c with 'a'..'z' mapped to 'A'..'Z'; every other byte as is. */
static inline char to_upper(unsigned char c)
{
    return (char)(is_lower(c) ? c - 'a' + 'A' : c);
}

#endif
