/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-dns-sd.h"
#include "ph-naming.h"

/**
 * ph_dns_sd_txt_build:
 * @id: the installation id (32 hex digits)
 * @fingerprint: (nullable): the key of the secure channel it speaks
 *   (`tls=1` and `fp=`), %NULL when it receives the original format only
 *
 * The TXT strings of SPEC's Discovery section, in the order they are
 * announced; nothing else is ever published.
 *
 * Returns: (transfer full): a %NULL-terminated array of "key=value"
 */
char **
ph_dns_sd_txt_build (const char *id,
                      gboolean    asks,
                      gboolean    accepts_paths,
                      const char *fingerprint)
{
  g_autofree char *id_pair = NULL;
  GStrvBuilder *builder;
  char **pairs;

  g_return_val_if_fail (ph_dns_sd_id_is_valid (id), NULL);
  g_return_val_if_fail (fingerprint == NULL || ph_dns_sd_fingerprint_is_valid (fingerprint, -1), NULL);

  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, "txtvers=1");
  id_pair = g_strconcat ("id=", id, NULL);
  g_strv_builder_add (builder, id_pair);
  g_strv_builder_add (builder, asks ? "ask=1" : "ask=0");
  g_strv_builder_add (builder, accepts_paths ? "paths=1" : "paths=0");
  if (fingerprint != NULL)
    {
      g_autofree char *fp_pair = g_strconcat ("fp=", fingerprint, NULL);

      g_strv_builder_add (builder, "tls=1");
      g_strv_builder_add (builder, fp_pair);
    }
  pairs = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return pairs;
}

gboolean
ph_dns_sd_id_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != 32)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;

  return TRUE;
}

/**
 * ph_dns_sd_fingerprint_is_valid:
 * @length: its length in bytes, or -1 when NUL-terminated
 *
 * Whether @fingerprint has the form of SPEC's fp=: 43 characters of
 * unpadded base64url (the SHA-256 of a key). The form only: the
 * handshake proves the key.
 */
gboolean
ph_dns_sd_fingerprint_is_valid (const char *fingerprint,
                                gssize      length)
{
  if (fingerprint == NULL)
    return FALSE;
  if (length < 0)
    length = (gssize) strlen (fingerprint);
  if (length != 43)
    return FALSE;

  for (gssize i = 0; i < length; i++)
    if (!g_ascii_isalnum (fingerprint[i]) && fingerprint[i] != '-' && fingerprint[i] != '_')
      return FALSE;

  return TRUE;
}

static gboolean
value_is_one (const char *value,
              gsize       length)
{
  return length == 1 && value[0] == '1';
}

/**
 * ph_dns_sd_txt_parse:
 * @pairs: the TXT strings in the order they arrived, %NULL-terminated
 * @lengths: (nullable): the byte length of each string (they may hold
 *   NUL bytes), or %NULL when they are NUL-terminated
 * @txt: (out caller-allocates): what they say
 *
 * Reads what anyone on the network may announce: keys are
 * case-insensitive, only the first occurrence of a key counts
 * (RFC 6763, 6.4), and anything unexpected reads as "no".
 */
void
ph_dns_sd_txt_parse (const char * const *pairs,
                      const gssize       *lengths,
                      PhDnsSdTxt       *txt)
{
  gboolean seen_id = FALSE, seen_ask = FALSE, seen_paths = FALSE, seen_tls = FALSE, seen_fp = FALSE;
  gboolean tls = FALSE;
  g_autofree char *fingerprint = NULL;

  g_return_if_fail (txt != NULL);

  memset (txt, 0, sizeof *txt);
  if (pairs == NULL)
    return;

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *pair = pairs[i];
      gsize length = (lengths == NULL || lengths[i] < 0) ? strlen (pair) : (gsize) lengths[i];
      const char *equals = memchr (pair, '=', length);
      gsize key_length = equals ? (gsize) (equals - pair) : length;
      const char *value = equals ? equals + 1 : NULL;
      gsize value_length = equals ? length - key_length - 1 : 0;

      if (key_length == 2 && g_ascii_strncasecmp (pair, "id", 2) == 0 && !seen_id)
        {
          seen_id = TRUE;
          if (value != NULL && value_length == 32)
            {
              g_autofree char *id = g_ascii_strdown (value, 32);

              if (ph_dns_sd_id_is_valid (id))
                txt->id = g_steal_pointer (&id);
            }
        }
      else if (key_length == 3 && g_ascii_strncasecmp (pair, "ask", 3) == 0 && !seen_ask)
        {
          seen_ask = TRUE;
          txt->asks = value != NULL && value_is_one (value, value_length);
        }
      else if (key_length == 5 && g_ascii_strncasecmp (pair, "paths", 5) == 0 && !seen_paths)
        {
          seen_paths = TRUE;
          txt->accepts_paths = value != NULL && value_is_one (value, value_length);
        }
      else if (key_length == 3 && g_ascii_strncasecmp (pair, "tls", 3) == 0 && !seen_tls)
        {
          seen_tls = TRUE;
          tls = value != NULL && value_is_one (value, value_length);
        }
      else if (key_length == 2 && g_ascii_strncasecmp (pair, "fp", 2) == 0 && !seen_fp)
        {
          seen_fp = TRUE;
          /* Case matters in base64url: taken as it is. */
          if (value != NULL && ph_dns_sd_fingerprint_is_valid (value, (gssize) value_length))
            fingerprint = g_strndup (value, value_length);
        }
    }

  /* A key without tls=1, or tls=1 without a key to check, is no secure
   * channel: the sender has nothing to hold the receiver to. */
  if (tls && fingerprint != NULL)
    txt->fingerprint = g_steal_pointer (&fingerprint);
}

void
ph_dns_sd_txt_clear (PhDnsSdTxt *txt)
{
  g_return_if_fail (txt != NULL);

  g_clear_pointer (&txt->id, g_free);
  g_clear_pointer (&txt->fingerprint, g_free);
}

/**
 * ph_dns_sd_clip_name:
 * @name: (nullable): a device name, from anywhere: this computer's, or
 *   one announced nearby
 *
 * Turns @name into an instance name Avahi accepts and a list can show
 * on one line, cleaned as every name someone chose is
 * (ph_naming_clean_label(): no control or invisible characters, no
 * bidirectional overrides, NFC, single spaces, none around), at most
 * %PH_SERVICE_NAME_MAX bytes cut between characters.
 *
 * Returns: (transfer full): the name, "Posthouse" when nothing is left
 */
char *
ph_dns_sd_clip_name (const char *name)
{
  g_autofree char *clean = ph_naming_clean_label (name);
  gsize cut = strlen (clean);

  if (cut > PH_SERVICE_NAME_MAX)
    {
      cut = PH_SERVICE_NAME_MAX;
      while (cut > 0 && ((guchar) clean[cut] & 0xC0) == 0x80)
        cut--;
      /* Nor a space or a joiner left at the end. */
      while (cut > 0 && (clean[cut - 1] == ' ' ||
                         (cut >= 3 && (g_str_has_prefix (clean + cut - 3, "\u200C") ||
                                       g_str_has_prefix (clean + cut - 3, "\u200D")))))
        cut -= clean[cut - 1] == ' ' ? 1 : 3;
    }

  if (cut == 0)
    return g_strdup ("Posthouse");

  return g_strndup (clean, cut);
}

/**
 * ph_dns_sd_fold_name:
 * @name: a receiver's name, announced or typed
 *
 * What names are compared by: cleaned (ph_dns_sd_clip_name()),
 * compatibility-normalised and case-folded ("Alpha", "ａｌｐｈａ" and
 * "alpha\u200B" are one).
 *
 * Returns: (transfer full): the folded name
 */
char *
ph_dns_sd_fold_name (const char *name)
{
  g_autofree char *clean = ph_dns_sd_clip_name (name);
  g_autofree char *compatible = g_utf8_normalize (clean, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (compatible ? compatible : clean, -1);
}

/* The one sentence the CLI and the window use when there is no
 * mDNS responder to ask. */
const char *
ph_dns_sd_unavailable_message (void)
{
  return _("Nearby computers can’t be found: the Avahi service isn’t running");
}
