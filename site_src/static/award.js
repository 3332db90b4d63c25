// Award page: the recipient check and the copy-link button.
// The recipient check hashes the typed address in the browser with Web Crypto
// and compares it with the published identity; it sends no request.
"use strict";

(function () {
  function toHex(buffer) {
    return Array.from(new Uint8Array(buffer), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  // Open Badges 2.0 hashed email: "sha256$" + hex(SHA-256(address + salt)).
  // The generator trims and lower-cases the address before hashing, so the
  // check does the same.
  async function hashEmail(address, salt) {
    var bytes = new TextEncoder().encode(address.trim().toLowerCase() + salt);
    var digest = await window.crypto.subtle.digest("SHA-256", bytes);
    return "sha256$" + toHex(digest);
  }

  function setUpRecipientCheck(form) {
    // crypto.subtle exists only in secure contexts (https, or http on localhost).
    if (!(window.crypto && window.crypto.subtle && window.TextEncoder)) {
      return;
    }
    var input = form.querySelector("input");
    var result = form.querySelector(".check-result");
    var salt = form.dataset.salt;
    var identity = form.dataset.identity.toLowerCase();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var address = input.value.trim();
      result.className = "check-result";
      if (address === "") {
        result.textContent = "Type an email address first.";
        input.focus();
        return;
      }
      hashEmail(address, salt).then(function (hash) {
        if (hash === identity) {
          result.textContent = "Yes: this badge was issued to " + address + ".";
          result.classList.add("check-yes");
        } else {
          result.textContent =
            "No: this badge was not issued to " + address +
            ". Check the spelling, or try another address the recipient uses.";
          result.classList.add("check-no");
        }
      });
    });

    form.hidden = false;
    var fallback = form.parentElement.querySelector(".check-fallback");
    if (fallback) {
      fallback.hidden = true;
    }
  }

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  function setUpCopyButton(button) {
    var input = document.getElementById(button.dataset.copyFrom);
    var result = button.parentElement.parentElement.querySelector(".copy-result");
    button.addEventListener("click", function () {
      copyText(input).then(
        function () {
          result.textContent = "Link copied.";
        },
        function () {
          input.select();
          result.textContent = "Copying failed: the link is selected, so press Ctrl+C or Cmd+C.";
        }
      );
    });
    button.hidden = false;
  }

  document.querySelectorAll("form.check-form").forEach(setUpRecipientCheck);
  document.querySelectorAll("button[data-copy-from]").forEach(setUpCopyButton);
})();
