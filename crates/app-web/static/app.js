// Comfort only: everything works without this file.
//
// Address autocomplete from the national address base (BAN), asked from
// the browser when it is reachable. Suggestions fill a <datalist>; picking
// one fills the postal code, the commune and the INSEE code. When the BAN
// does not answer, the fields stay as they are: typed by hand, checked by
// the server against the local communes table.
(function () {
  "use strict";
  var street = document.getElementById("q-adresse_logement_adresse_detail_numero");
  if (!street) { return; }
  var postal = document.getElementById("q-adresse_logement_adresse_detail_code_postal");
  var city = document.getElementById("q-adresse_logement_adresse_detail_commune");
  var insee = document.getElementById("q-adresse_logement_adresse_detail_insee");
  var list = document.createElement("datalist");
  list.id = "adresses-ban";
  street.parentNode.appendChild(list);
  street.setAttribute("list", list.id);
  var found = {};
  var timer = null;

  function ask(query) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timeout = setTimeout(function () { if (controller) { controller.abort(); } }, 3000);
    fetch("https://api-adresse.data.gouv.fr/search/?limit=5&q=" + encodeURIComponent(query),
      controller ? { signal: controller.signal } : {})
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        clearTimeout(timeout);
        found = {};
        list.innerHTML = "";
        (data.features || []).forEach(function (f) {
          var p = f.properties || {};
          var label = p.name || p.label;
          if (!label) { return; }
          var key = label + " " + (p.postcode || "") + " " + (p.city || "");
          found[key] = p;
          var option = document.createElement("option");
          option.value = key;
          list.appendChild(option);
        });
      })
      .catch(function () { clearTimeout(timeout); });
  }

  street.addEventListener("input", function () {
    var p = found[street.value];
    if (p) {
      street.value = p.name || street.value;
      if (postal && p.postcode) { postal.value = p.postcode; }
      if (city && p.city) { city.value = p.city; }
      if (insee && p.citycode) { insee.value = p.citycode; }
      return;
    }
    clearTimeout(timer);
    if (street.value.trim().length >= 5) {
      timer = setTimeout(function () { ask(street.value.trim()); }, 300);
    }
  });
})();
