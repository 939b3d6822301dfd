// Validates Kubernetes manifests against the API's schemas: the JSON schemas
// the kubernetes-models package ships (generated from the Kubernetes OpenAPI
// spec, checked with ajv: types, required fields, enums, formats), and, since
// those accept unknown fields, every field name against the models of
// @kubernetes/client-node (generated from the same spec), as the API server's
// strict field validation would. A Kustomization is checked by hand: its resources exist and
// are the files given, their namespace is the one it sets, its images name
// containers' images. Prints one line per object; exit 1 on the first error.
//
//   node validate.mjs FILE...
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import yaml from "js-yaml";
import * as k8s from "@kubernetes/client-node";

const KUSTOMIZE_KEYS = new Set(["apiVersion", "kind", "namespace", "resources", "images", "labels"]);

async function modelFor(apiVersion, kind) {
	// "apps/v1" -> kubernetes-models/apps/v1/DaemonSet; "v1" -> kubernetes-models/v1/Namespace
	const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
	return mod[kind] ?? mod.default;
}

// The paths of fields that the API type (a @kubernetes/client-node model name,
// "Array<T>" or "{ [key: string]: T; }") does not have.
function unknownFields(value, type, path) {
	if (value === null || typeof value !== "object") return [];
	const array = type.match(/^Array<(.+)>$/);
	if (array) return value.flatMap((v, i) => unknownFields(v, array[1], `${path}[${i}]`));
	const map = type.match(/^\{ \[key: string\]: (.+); \}$/);
	if (map) return Object.entries(value).flatMap(([key, v]) => unknownFields(v, map[1], `${path}.${key}`));
	const model = k8s[type];
	if (!model?.getAttributeTypeMap) return []; // a scalar, IntOrString, or free-form
	const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
	return Object.entries(value).flatMap(([key, v]) =>
		fields.has(key) ? unknownFields(v, fields.get(key), `${path}.${key}`) : [`${path}.${key}`]);
}

function fail(where, message) {
	console.error(`${where}: ${message}`);
	process.exit(1);
}

async function validateObject(where, obj) {
	if (!obj || typeof obj !== "object" || !obj.apiVersion || !obj.kind)
		fail(where, "not a Kubernetes object (no apiVersion/kind)");
	let Model;
	try {
		Model = await modelFor(obj.apiVersion, obj.kind);
	} catch {
		fail(where, `unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
	}
	const what = `${where} (${obj.kind} ${obj.metadata?.name})`;
	try {
		new Model(obj).validate();
	} catch (e) {
		fail(what, e.message);
	}
	// apps/v1 DaemonSet -> V1DaemonSet; v1 ConfigMap -> V1ConfigMap
	const version = obj.apiVersion.split("/").pop();
	const type = version[0].toUpperCase() + version.slice(1) + obj.kind;
	if (!k8s[type]) fail(what, `no model ${type} to check field names against`);
	const unknown = unknownFields(obj, type, "");
	if (unknown.length) fail(what, `unknown field ${unknown.join(", ")}`);
	console.log(`valid: ${where}: ${obj.apiVersion} ${obj.kind} ${obj.metadata?.name}`);
}

function checkKustomization(where, k, objectsByFile) {
	for (const key of Object.keys(k))
		if (!KUSTOMIZE_KEYS.has(key)) fail(where, `unexpected key "${key}"`);
	if (!Array.isArray(k.resources) || k.resources.length === 0) fail(where, "no resources");
	const images = new Set();
	for (const res of k.resources) {
		const objs = objectsByFile.get(res);
		if (!objs) fail(where, `resource ${res} was not given to the validator or does not exist`);
		for (const o of objs) {
			const ns = o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace;
			if (k.namespace && ns !== k.namespace)
				fail(where, `${res}: ${o.kind} ${o.metadata.name} is in namespace ${ns}, not ${k.namespace}`);
			const pod = o.spec?.template?.spec;
			for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])])
				images.add(c.image.replace(/:[^/:]*$/, ""));
		}
	}
	for (const img of k.images ?? [])
		if (!images.has(img.name)) fail(where, `images: ${img.name} is no container's image`);
	console.log(`valid: ${where}: Kustomization, ${k.resources.length} resources`);
}

const files = process.argv.slice(2);
const objectsByFile = new Map();
const kustomizations = [];
for (const file of files) {
	const docs = yaml.loadAll(readFileSync(file, "utf8"), null, { filename: file }).filter(Boolean);
	if (docs.length === 0) fail(file, "no YAML document");
	if (docs[0].kind === "Kustomization") {
		kustomizations.push([file, docs[0]]);
		continue;
	}
	objectsByFile.set(basename(file), docs);
	for (const [i, doc] of docs.entries()) await validateObject(`${file}#${i}`, doc);
}
for (const [file, k] of kustomizations) {
	for (const res of k.resources ?? []) readFileSync(join(dirname(file), res)); // exists
	checkKustomization(file, k, objectsByFile);
}
