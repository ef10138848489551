// Comfort only: everything works without this file.
//
// 1. Address autocomplete (the ARIA 1.2 combobox pattern, as the DSFR
//    and the RGAA describe it): as a person types a street, addresses of
//    the national address base are proposed, asked from this site
//    (/adresses/suggestions, which caches them and answers 404 when no
//    address service is configured: the script then stops asking).
//    Arrow keys move in the list, Enter or a tap picks, Escape closes; a
//    live region says how many addresses are proposed. Picking one fills
//    the street, the postal code, the commune and the INSEE code. Without
//    the service the fields are typed by hand and the server checks them
//    against the local communes table.
// 2. On a case whose address is to check, a small map where a click
//    places the dwelling (the latitude and longitude fields stay the
//    way to do it without a mouse or without this file).
(function () {
  "use strict";
  // The DSFR's script (menus, password fields, the colour scheme) once
  // the page is painted: run before, it delays the first paint on a slow
  // phone by a good second, and every page works without it meanwhile.
  window.addEventListener("load", function () {
    var src = document.documentElement.getAttribute("data-dsfr-js");
    if (!src) { return; }
    var script = document.createElement("script");
    script.type = "module";
    script.src = src;
    document.head.appendChild(script);
  });

  var ENDPOINT = "/adresses/suggestions";
  var MIN_CHARS = 4;
  var disabled = false;

  function byId(id) { return id ? document.getElementById(id) : null; }

  function setUp(input, targets) {
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "adresse-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Adresses proposées");
    list.hidden = true;
    var live = document.createElement("p");
    live.className = "fr-sr-only";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(live);
    input.parentNode.classList.add("adresse-combobox");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var found = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      found = [];
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      var s = found[index];
      if (!s) { return; }
      input.value = s.street;
      var postal = byId(targets.postal), city = byId(targets.city), insee = byId(targets.insee);
      if (postal) { postal.value = s.postcode; }
      if (city) { city.value = s.city; }
      if (insee) { insee.value = s.insee; }
      close();
      live.textContent = "Adresse choisie : " + s.label;
    }

    function show(suggestions) {
      // A new list has no active option: Enter must never pick one the
      // person does not see highlighted.
      active = -1;
      input.removeAttribute("aria-activedescendant");
      found = suggestions;
      list.innerHTML = "";
      suggestions.forEach(function (s, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = s.label;
        option.addEventListener("mousedown", function (e) { e.preventDefault(); });
        option.addEventListener("click", function () { pick(i); input.focus(); });
        list.appendChild(option);
      });
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        live.textContent = suggestions.length + (suggestions.length > 1 ? " adresses proposées" : " adresse proposée") +
          ", flèches haut et bas pour les parcourir, Entrée pour choisir.";
      } else {
        close();
        live.textContent = "Aucune adresse proposée : saisissez-la entièrement.";
      }
    }

    function ask(query) {
      if (controller) { controller.abort(); }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var mine = controller;
      var timeout = setTimeout(function () { if (mine) { mine.abort(); } }, 4000);
      fetch(ENDPOINT + "?q=" + encodeURIComponent(query), {
        signal: mine ? mine.signal : undefined,
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (r) {
          if (r.status === 404) { disabled = true; return []; }
          return r.ok ? r.json() : [];
        })
        .then(function (data) {
          clearTimeout(timeout);
          if (mine === controller && !disabled) { show(Array.isArray(data) ? data : []); }
        })
        .catch(function () { clearTimeout(timeout); });
    }

    // What the person types next is no longer the address picked: the
    // INSEE code goes (the server finds it again from the commune).
    [targets.postal, targets.city].forEach(function (id) {
      var field = byId(id);
      if (field) {
        field.addEventListener("input", function () {
          var insee = byId(targets.insee);
          if (insee) { insee.value = ""; }
        });
      }
    });

    input.addEventListener("input", function () {
      var insee = byId(targets.insee);
      if (insee) { insee.value = ""; }
      clearTimeout(timer);
      var query = input.value.trim();
      if (disabled || query.length < MIN_CHARS) { close(); return; }
      timer = setTimeout(function () { ask(query); }, 250);
    });

    input.addEventListener("keydown", function (e) {
      var open = !list.hidden;
      if (e.key === "ArrowDown" && found.length) {
        e.preventDefault();
        if (!open) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(active + 1);
      } else if (e.key === "ArrowUp" && open) {
        e.preventDefault();
        highlight(active - 1);
      } else if (e.key === "Enter" && open && active >= 0) {
        e.preventDefault();
        pick(active);
      } else if (e.key === "Escape" && open) {
        e.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // The public and professional forms' address screen.
  var formStreet = byId("q-adresse_logement_adresse_detail_numero");
  if (formStreet) {
    setUp(formStreet, {
      postal: "q-adresse_logement_adresse_detail_code_postal",
      city: "q-adresse_logement_adresse_detail_commune",
      insee: "q-adresse_logement_adresse_detail_insee"
    });
  }
  // The back-office's address correction.
  var fields = document.querySelectorAll("[data-suggestions-adresse]");
  for (var i = 0; i < fields.length; i++) {
    setUp(fields[i], {
      postal: fields[i].getAttribute("data-code-postal"),
      city: fields[i].getAttribute("data-ville"),
      insee: fields[i].getAttribute("data-insee")
    });
  }

  // The pin of an address to check: Leaflet is loaded after this file
  // (deferred too), so the map waits for the page to be loaded.
  window.addEventListener("load", placePin);
  function placePin() {
    var pinMap = byId("adresse-carte");
    if (!pinMap || typeof L === "undefined") { return; }
    var lat = byId(pinMap.getAttribute("data-latitude"));
    var lng = byId(pinMap.getAttribute("data-longitude"));
    pinMap.hidden = false;
    var read = function (value) { return parseFloat((value || "").replace(",", ".")); };
    // Centred on the pin being typed, else on the case's current point.
    var start = [read(lat.value || pinMap.getAttribute("data-lat")), read(lng.value || pinMap.getAttribute("data-lng"))];
    var known = !isNaN(start[0]) && !isNaN(start[1]);
    var map = L.map(pinMap).setView(known ? start : [46.6, 2.4], known ? 17 : 5);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      referrerPolicy: "strict-origin",
      attribution: '© <a href="https://www.openstreetmap.org/copyright">les contributeurs d\u2019OpenStreetMap</a>'
    }).addTo(map);
    var marker = known ? L.marker(start).addTo(map) : null;
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lng.value = e.latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
    });
  }
})();
