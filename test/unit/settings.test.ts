import { describe, expect, it } from "vitest";

import { parseConfig } from "../../src/config/config.js";
import {
  resolveSettings,
  secretsIn,
  uiUrlFor,
} from "../../src/config/settings.js";
import { Secrets } from "../../src/log.js";

const CONFIG = parseConfig(
  "registry: { address: registry.example.com, username: bot }\nprefect: { api_url: 'http://prefect:4200/api/' }\nparts: {}\n",
  "flowpush.yaml",
);

describe("resolveSettings", () => {
  it("takes addresses from the file when the environment has none", () => {
    const settings = resolveSettings(CONFIG, {});

    expect(settings.prefect).toEqual({
      apiUrl: "http://prefect:4200/api",
      uiUrl: "http://prefect:4200",
      auth: undefined,
    });
    expect(settings.registry).toEqual({
      address: "registry.example.com",
      username: "bot",
      password: undefined,
    });
  });

  it("lets the environment win, and reads secrets only from it", () => {
    const settings = resolveSettings(CONFIG, {
      PREFECT_API_URL: "http://other:4200/api",
      PREFECT_API_AUTH_STRING: "admin:pass",
      FLOWPUSH_REGISTRY: "127.0.0.1:5000",
      FLOWPUSH_REGISTRY_PASSWORD: "hunter22",
    });

    expect(settings.prefect.apiUrl).toBe("http://other:4200/api");
    expect(settings.prefect.auth).toEqual({
      kind: "basic",
      value: Buffer.from("admin:pass").toString("base64"),
    });
    expect(settings.registry).toEqual({
      address: "127.0.0.1:5000",
      username: "bot",
      password: "hunter22",
    });
  });

  it("refuses both a Prefect key and an auth string", () => {
    expect(() =>
      resolveSettings(CONFIG, {
        PREFECT_API_KEY: "pnu_x",
        PREFECT_API_AUTH_STRING: "a:b",
      }),
    ).toThrow(/both PREFECT_API_KEY and PREFECT_API_AUTH_STRING are set/);
  });

  it("names the setting to add when the Prefect URL is missing", () => {
    const config = parseConfig(
      "registry: { address: r }\nparts: {}\n",
      "flowpush.yaml",
    );

    expect(() => resolveSettings(config, {})).toThrow(
      /no Prefect API URL is set/,
    );
  });
});

describe("uiUrlFor", () => {
  it.each([
    ["http://127.0.0.1:4200/api", "http://127.0.0.1:4200"],
    [
      "https://api.prefect.cloud/api/accounts/acc/workspaces/ws",
      "https://app.prefect.cloud/account/acc/workspace/ws",
    ],
  ])("turns %s into %s", (api, ui) => {
    expect(uiUrlFor(api)).toBe(ui);
  });
});

describe("Secrets", () => {
  it("masks every secret from the environment, the encoded auth string too", () => {
    const secrets = new Secrets();
    secretsIn({
      FLOWPUSH_REGISTRY_PASSWORD: "hunter22",
      PREFECT_API_AUTH_STRING: "admin:pass",
    }).forEach((s) => secrets.add(s));
    const encoded = Buffer.from("admin:pass").toString("base64");

    expect(secrets.mask(`pw=hunter22 auth=admin:pass basic=${encoded}`)).toBe(
      "pw=*** auth=*** basic=***",
    );
  });
});
