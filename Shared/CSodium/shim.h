#ifndef CSODIUM_SHIM_H
#define CSODIUM_SHIM_H
/* libsodium (Debian 12: libsodium-dev 1.0.18). Everything CoxswainCrypto uses is a plain
   function; size constants are read through their functions (crypto_sign_bytes() ...)
   rather than the macros, and sodium_base64_ENCODED_LEN (a function-like macro) through
   sodium_base64_encoded_len(). */
#include <sodium.h>
#endif
