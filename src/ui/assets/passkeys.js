// Passkeys (WebAuthn), through the SimpleWebAuthnBrowser helper this server serves.
// 1. The Passkeys page registers one: the server's options in, the browser's response out.
// 2. On a proposal, "Approve/Reject with passkey" signs the decision: the challenge is the
//    SHA-256 of the decision statement (RFC 8785 canonical JSON of five strings), so the
//    assertion says which proposal, action, verdict, reason and identity it approves.
(() => {
  'use strict';
  const webauthn = window.SimpleWebAuthnBrowser;
  if (!webauthn || !window.PublicKeyCredential) return;

  const hidden = (form, name, value) => {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  };
  const fail = (form, message) => {
    let box = form.parentElement.querySelector('.passkey-problem');
    if (!box) {
      box = document.createElement('p');
      box.className = 'notice error passkey-problem';
      box.setAttribute('role', 'alert');
      form.before(box);
    }
    box.textContent = message;
  };
  const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (form.id !== 'passkey-register' || form.dataset.busy) return;
    event.preventDefault();
    form.dataset.busy = 'true';
    try {
      const response = await webauthn.startRegistration({ optionsJSON: JSON.parse(form.dataset.options) });
      hidden(form, 'credential', JSON.stringify(response));
      form.submit();
    } catch (error) {
      delete form.dataset.busy;
      fail(form, `The passkey was not registered: ${error.message}`);
    }
  });

  // Delegated: live updates replace the decision form in place.
  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-passkey]');
    if (!button) return;
    event.preventDefault();
    const form = button.form;
    const reason = form.elements.reason.value.trim();
    if (!reason) return form.reportValidity();
    const d = form.dataset;
    // Keys in code-point order, strings escaped as JSON.stringify does: RFC 8785 for five strings.
    const statement = JSON.stringify({ action_hash: d.actionHash, decision: button.value, identity: d.identity, proposal_id: d.proposalId, reason });
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(statement)));
    try {
      const assertion = await webauthn.startAuthentication({
        optionsJSON: { challenge, rpId: d.rpId, userVerification: 'required', allowCredentials: d.passkeys.split(' ').map((id) => ({ id, type: 'public-key' })) },
      });
      const r = assertion.response;
      hidden(form, 'verdict', button.value);
      hidden(form, 'passkey', JSON.stringify({ key_id: assertion.id, assertion: { authenticator_data: r.authenticatorData, client_data_json: r.clientDataJSON, signature: r.signature } }));
      form.submit();
    } catch (error) {
      fail(form, `Your passkey did not sign the decision: ${error.message}`);
    }
  });
})();
