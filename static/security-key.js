// Security keys (WebAuthn): a form marked data-webauthn="register" or "sign-in" asks the server for the
// ceremony's options (data-options), lets the browser talk to the key, and posts the key's answer in the form's
// hidden "response" field. Without a browser that can, the form says so and its button is off.
(function () {
  "use strict";
  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer), binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function answerOf(credential) {
    var r = credential.response;
    var answer = {id: credential.id, rawId: toText(credential.rawId), type: credential.type,
                  response: {clientDataJSON: toText(r.clientDataJSON)},
                  clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {}};
    if (r.attestationObject) {
      answer.response.attestationObject = toText(r.attestationObject);
      if (r.getTransports) { answer.response.transports = r.getTransports(); }
    } else {
      answer.response.authenticatorData = toText(r.authenticatorData);
      answer.response.signature = toText(r.signature);
      if (r.userHandle) { answer.response.userHandle = toText(r.userHandle); }
    }
    return answer;
  }
  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    var status = form.querySelector("[data-webauthn-status]");
    var button = form.querySelector("button[type=submit]");
    function say(text) { if (status) { status.textContent = text; } }
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say("This browser cannot use security keys.");
      if (button) { button.disabled = true; }
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = form.querySelector("input[name=csrf_token]").value;
      say("Touch your security key when it blinks.");
      fetch(form.getAttribute("data-options"), {method: "POST", credentials: "same-origin",
                                                headers: {"X-CSRFToken": token}})
        .then(function (reply) {
          return reply.json().then(function (body) {
            if (!reply.ok) { throw new Error(body.error || "the server refused"); }
            return body;
          });
        })
        .then(function (options) {
          options.challenge = toBuffer(options.challenge);
          if (form.getAttribute("data-webauthn") === "register") {
            options.user.id = toBuffer(options.user.id);
            (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
            return navigator.credentials.create({publicKey: options});
          }
          (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
          return navigator.credentials.get({publicKey: options});
        })
        .then(function (credential) {
          form.querySelector("input[name=response]").value = JSON.stringify(answerOf(credential));
          say("Checking the key's answer…");
          form.submit();
        })
        .catch(function (error) {
          say("The key did not answer (" + (error.message || error.name) + "). Try again, or use a code.");
        });
    });
  });
})();
