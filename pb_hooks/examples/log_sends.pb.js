/// <reference path="../../pb_data/types.d.ts" />
// Example operator hook. Inactive here: copy it into pb_hooks/ to enable it (loaded at start,
// no rebuild needed). Every JS hook call costs CPU: this one made a send ~0.9 ms dearer
// (docs/PERFORMANCE.md), so keep hooks off hot collections unless they are needed.
// Teamfund's rules live in Go; JS hooks are for local additions such as notifications.
// This one prints every new send to the server output (e.g. `fly logs`); an operator could
// forward it to another system with $http.send(...) instead.
// Delete or edit freely; files must end in .pb.js. Docs: https://pocketbase.io/docs/js-overview/
onRecordAfterCreateSuccess((e) => {
  console.log("teamfund: new send", e.record.id, e.record.get("touch_name"), e.record.get("cost"))
  e.next()
}, "sends")
