/* keystore.h - secrets from the system keystore (the Secret Service through
 * libsecret), loaded by the supervisor before the sandbox starts. Only this
 * module includes libsecret. */
#ifndef NONO_KEYSTORE_H
#define NONO_KEYSTORE_H

#include "base/error.h"
#include "base/util.h"

/* Look up each "REF=VAR" of refs (REF: an account under service "nono", or
 * keyring://SERVICE/ACCOUNT) and append "VAR=secret" to out. Any missing
 * secret is an error naming it, and out is left as it was. Free out with
 * nono_keystore_wipe. 0 or -errno with err set. */
int nono_keystore_load(struct nono_strv *out, const struct nono_strv *refs, struct nono_error *err);
/* Overwrite the strings, then free them. */
void nono_keystore_wipe(struct nono_strv *sv);

#endif
