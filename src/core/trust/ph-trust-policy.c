/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-trust-policy.h"

/**
 * ph_devices_decide:
 * @policy: the receiver's preferences
 * @fingerprint: (nullable): the sender's key; NULL for a connection in
 *   the original format, which has no identity
 * @name: (nullable): the name the sender gave itself (for the key change)
 * @reason: (out) (optional): why
 * @key_change: (out) (optional) (transfer none): the paired device
 *   whose name this new key uses, to warn about ("Study Laptop has a new
 *   key: pair again to trust it"); NULL when none
 *
 * In this order: a blocked device is refused; an unencrypted
 * connection is refused when the preference says so; a paired device
 * is accepted without a question (even with "Ask before accepting");
 * with "Only accept from paired devices" anyone else is declined (an
 * unencrypted connection refused: it cannot be told anything); a
 * device accepted for ten minutes is accepted; a new key under a
 * paired device's name is asked about (with a warning: the app takes
 * its files only once paired again) or, where nobody is asked (`receive`
 * without a person, "Ask before accepting" off), declined at once with
 * the reason, never accepted by the preference; anyone else is asked
 * about or accepted as the preference says.
 *
 * Returns: what to do
 */
PhTrustVerdict
ph_devices_decide (PhDevices           *self,
                   const PhTrustPolicy *policy,
                   const char          *fingerprint,
                   const char          *name,
                   PhTrustReason       *reason,
                   PhDevice           **key_change)
{
  PhTrustReason why = PH_TRUST_BECAUSE_PREFERENCE;
  PhTrustVerdict verdict;
  PhDevice *device = NULL;
  PhDevice *replaced = NULL;
  PhDeviceState state = PH_DEVICE_KNOWN;

  g_return_val_if_fail (PH_IS_DEVICES (self), PH_TRUST_REFUSE);
  g_return_val_if_fail (policy != NULL, PH_TRUST_REFUSE);

  if (fingerprint != NULL)
    {
      device = ph_devices_lookup (self, fingerprint);
      state = device ? ph_device_get_state (device) : PH_DEVICE_KNOWN;
      if (state == PH_DEVICE_KNOWN)
        replaced = ph_devices_find_key_change (self, fingerprint, name, NULL);
    }

  if (state == PH_DEVICE_BLOCKED)
    {
      verdict = PH_TRUST_REFUSE;
      why = PH_TRUST_BECAUSE_BLOCKED;
    }
  else if (fingerprint == NULL && !policy->accept_plain)
    {
      verdict = PH_TRUST_REFUSE;
      why = PH_TRUST_BECAUSE_PLAIN;
    }
  else if (state == PH_DEVICE_PAIRED)
    {
      verdict = PH_TRUST_ACCEPT;
      why = PH_TRUST_BECAUSE_PAIRED;
    }
  else if (policy->only_paired)
    {
      verdict = fingerprint ? PH_TRUST_DECLINE : PH_TRUST_REFUSE;
      why = PH_TRUST_BECAUSE_ONLY_PAIRED;
    }
  else if (fingerprint != NULL && ph_devices_lookup_accept_all (self, fingerprint) != NULL)
    {
      verdict = PH_TRUST_ACCEPT;
      why = PH_TRUST_BECAUSE_ACCEPT_ALL;
    }
  else if (replaced != NULL)
    {
      verdict = policy->ask ? PH_TRUST_ASK : PH_TRUST_DECLINE;
      why = PH_TRUST_BECAUSE_KEY_CHANGED;
    }
  else
    verdict = policy->ask ? PH_TRUST_ASK : PH_TRUST_ACCEPT;

  if (reason != NULL)
    *reason = why;
  if (key_change != NULL)
    *key_change = replaced;
  return verdict;
}

/* Returns: a word for logs and the CLI's machine-readable output */
const char *
ph_trust_reason_to_string (PhTrustReason reason)
{
  switch (reason)
    {
    case PH_TRUST_BECAUSE_PAIRED:
      return "paired";
    case PH_TRUST_BECAUSE_ACCEPT_ALL:
      return "accept-all";
    case PH_TRUST_BECAUSE_BLOCKED:
      return "blocked";
    case PH_TRUST_BECAUSE_ONLY_PAIRED:
      return "only-paired";
    case PH_TRUST_BECAUSE_PLAIN:
      return "not-encrypted";
    case PH_TRUST_BECAUSE_KEY_CHANGED:
      return "key-changed";
    case PH_TRUST_BECAUSE_PREFERENCE:
    default:
      return "preference";
    }
}

/**
 * ph_trust_describe_decline:
 *
 * Returns: (transfer full): the reason a sender is told (the decision's
 *   "reason") and a receiver's log says, for a decline or refusal
 */
char *
ph_trust_describe_decline (PhTrustReason reason)
{
  switch (reason)
    {
    case PH_TRUST_BECAUSE_ONLY_PAIRED:
      return g_strdup (_("This receiver accepts files only from paired devices"));
    case PH_TRUST_BECAUSE_PLAIN:
      return g_strdup (_("This receiver accepts only encrypted connections"));
    case PH_TRUST_BECAUSE_BLOCKED:
      return g_strdup (_("This device is blocked"));
    case PH_TRUST_BECAUSE_KEY_CHANGED:
      /* Said to the sender and in the receiver's log alike. */
      return g_strdup (_("A device paired under this name has another key: pair again to send"));
    case PH_TRUST_BECAUSE_PAIRED:
    case PH_TRUST_BECAUSE_ACCEPT_ALL:
    case PH_TRUST_BECAUSE_PREFERENCE:
    default:
      return g_strdup (_("Declined"));
    }
}
