import type { FromSchema } from 'json-schema-to-ts';

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const emailList = { type: 'array', items: { type: 'string', format: 'email' } } as const;
const seconds = { type: 'number', exclusiveMinimum: 0 } as const;
/** A report's scope on one field: the values its lines must have (reports[].scope). */
const scopeValues = <D extends string>(description: D) =>
  ({ type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description }) as const;
/** schedule.deadline: a time of day (09:30), or a span (45m, 1h30m, 90s); read by gpu/deadline.ts parseDeadline. */
const DEADLINE_PATTERN = '^(([01][0-9]|2[0-3]):[0-5][0-9]|(?=[0-9])([1-9][0-9]*h)?([1-9][0-9]*m)?([1-9][0-9]*s)?)$';

/** An SMTP relay: the report's (email.smtp) and, optionally, one for alerts only (alerts.smtp). */
const smtpRelay = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1, default: '127.0.0.1', description: "The relay's host name or IP address." },
    port: {
      type: 'integer',
      minimum: 1,
      maximum: 65535,
      default: 2525,
      description: "The relay's port: commonly 587 with requireTLS, or 465 with secure.",
    },
    secure: { type: 'boolean', default: false, description: 'TLS from the first byte (port 465).' },
    requireTLS: { type: 'boolean', default: false, description: 'Insist on STARTTLS.' },
    user: {
      type: 'string',
      minLength: 1,
      description:
        'The user name to log in as; the password comes from the environment ($SMTP_PASSWORD for email.smtp, $ALERT_SMTP_PASSWORD for alerts.smtp). Unset: no login.',
    },
    connectionTimeoutSeconds: {
      ...seconds,
      default: 30,
      description:
        "How long to wait for the connection and the relay's greeting, in seconds. A session silent for twice this (or dataTimeoutSeconds, if longer) is dropped.",
    },
    dataTimeoutSeconds: {
      ...seconds,
      default: 600,
      description:
        'How long to wait for the relay to answer the end of DATA (RFC 5321 gives it 10 minutes). No answer in time means the delivery is unknown: ops are told, nothing is sent twice.',
    },
  },
} as const;

/**
 * A chat group's incoming webhook a report's card goes to: a card each platform renders natively, once per date and
 * audience like the email. Only channels named here get figures; a run's input cannot add one.
 */
const chatChannel = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'url'],
  properties: {
    kind: {
      enum: ['dingtalk', 'wecom', 'feishu', 'slack', 'teams'],
      description:
        "The platform, and so the card's shape: DingTalk or WeCom markdown, a Feishu interactive card, Slack Block Kit, a Teams Adaptive Card (through a Workflows webhook). DingTalk and Feishu requests are signed when secretEnv is set.",
    },
    url: { type: 'string', format: 'uri', description: "The group robot's webhook URL." },
    secretEnv: {
      type: 'string',
      pattern: '^[A-Z_][A-Z0-9_]*$',
      description: 'Environment variable holding the signing secret (DingTalk, Feishu).',
    },
  },
} as const;
const chatChannels = { type: 'array', items: chatChannel, maxItems: 10 } as const;

/** Where order lines come from and how they are read: `data`, and each of `sources`. */
const dataSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    source: {
      description:
        'Where the order lines come from: the export file at data.path (kind "file", the default), or a PostgreSQL query (kind "postgres"; the URL from $SALES_REPORT_DATABASE_URL).',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        kind: {
          enum: ['file', 'postgres'],
          default: 'file',
          description:
            'file: the export at path (one file, files by date, local or S3); postgres: source.query, run against the database at $SALES_REPORT_DATABASE_URL.',
        },
        query: {
          type: 'string',
          minLength: 1,
          description:
            'Returns order lines with order dates from $1 to $2 (inclusive dates), one column per field, named as in data.columns or by the field (order_id, order_date, product, category, region, channel, quantity, unit_price, amount).',
        },
        mode: {
          enum: ['lines', 'aggregate'],
          default: 'lines',
          description:
            'lines: stream the lines through a cursor. aggregate: the database sums them by day, product, category, region and channel and counts orders (columns must be named by the field; needs order_id and amount).',
        },
        fetchRows: { type: 'integer', minimum: 100, default: 5000, description: 'Rows per cursor read.' },
      },
    },
    path: {
      type: 'string',
      minLength: 1,
      default: 'out/demo/sales.xlsx',
      description:
        'The export: one file, or one a day by a date template ("/srv/exports/orders-{date}.xlsx"; {date:YYYYMMDD} for 20261129) or a wildcard in the file name ("/srv/exports/orders-*.csv"), on this host or under an S3 prefix ("s3://bucket/exports/orders-{date}.xlsx", see data.s3). Every file covering the days the report reads (its weeks and the trend) is read as one source.',
    },
    s3: {
      description:
        'Where an s3:// data.path is read from: the region and, for an S3-compatible store (MinIO, OSS, COS), its endpoint. Credentials: the AWS SDK default chain.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        region: {
          type: 'string',
          minLength: 1,
          default: 'us-east-1',
          description: "The AWS region of the export's bucket.",
        },
        endpoint: {
          type: 'string',
          format: 'uri',
          description: "An S3-compatible store's endpoint (MinIO, OSS, COS), instead of AWS's.",
        },
        forcePathStyle: {
          type: 'boolean',
          default: false,
          description:
            "Address the bucket in the URL's path rather than in its host name, as most S3-compatible stores want.",
        },
      },
    },
    format: {
      enum: ['auto', 'xlsx', 'csv'],
      default: 'auto',
      description:
        'How the export is read: auto by its extension (.xlsx as a workbook, .csv or .txt as CSV), or xlsx / csv whatever the extension.',
    },
    sheet: {
      type: 'string',
      minLength: 1,
      description:
        'The workbook sheet the orders are on, by its name as Excel shows it. Default: the first sheet whose header holds the mapped columns.',
    },
    dateOrder: {
      enum: ['ymd', 'mdy', 'dmy'],
      default: 'ymd',
      description:
        'How dates written with the year last are read: "mdy" as US-locale Excel writes them (11/17/2026), "dmy" as most of Europe does (17/11/2026). "ymd" (the default) reads year-first dates (2026-11-17, 2026/11/17, 2026年11月17日) and refuses a year-last one as ambiguous.',
    },
    encoding: {
      enum: ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'gb18030'],
      default: 'auto',
      description: 'CSV text encoding. auto: the BOM, else UTF-8 if the bytes are valid UTF-8, else GB18030 (GBK).',
    },
    delimiter: {
      enum: ['auto', ',', ';', '\t'],
      default: 'auto',
      description: 'CSV field separator. auto: the most frequent of , ; and tab in the first line.',
    },
    headerRow: {
      type: 'integer',
      minimum: 1,
      description:
        'The 1-based row that holds the column names. Default: the first of the first 20 rows that holds the mapped columns (titles, notes and blank rows above it are skipped).',
    },
    maxBadRowShare: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.02,
      description:
        'The share of data rows (0 to 1) that may be unreadable: up to it they are skipped and the report says how many; over it the run fails, listing them. 0.02 is 2 %.',
    },
    childProcessAboveMB: {
      type: 'number',
      minimum: 0,
      default: 8,
      description: 'Files larger than this load in a child process with a capped heap; smaller ones in the worker.',
    },
    loaderHeapMB: {
      type: 'integer',
      minimum: 32,
      default: 160,
      description: 'Heap cap of that child process (MB).',
    },
    badRowsShown: {
      type: 'integer',
      minimum: 1,
      default: 20,
      description:
        'How many unreadable rows are listed with their file, row, column and reason (and how many formula cells with no saved value are named); the rest are only counted.',
    },
    failIfEndsBeforeWindow: {
      type: 'boolean',
      default: true,
      description: 'Fail when the export ends before the last day of the report week (a stale export).',
    },
    failIfWindowEmpty: {
      type: 'boolean',
      default: true,
      description: 'Fail when the report week holds no orders; false for businesses that do have empty weeks.',
    },
    columns: {
      description: 'Accepted header names per field, matched case-insensitively after trimming.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        orderId: {
          ...stringList,
          default: ['Order ID', 'Order', '订单号', '订单编号'],
          description:
            'Names of the order id column. Lines with the same id are one order; a line without an id (or a source without the column) stands alone.',
        },
        orderDate: {
          ...stringList,
          minItems: 1,
          default: ['Order Date', 'Date', '订单日期', '日期'],
          description: 'Names of the order date column: an Excel date, a serial number or text (see dateOrder).',
        },
        product: {
          ...stringList,
          minItems: 1,
          default: ['Product', '商品', '商品名称', '产品'],
          description: 'Names of the product column.',
        },
        category: {
          ...stringList,
          minItems: 1,
          default: ['Category', '品类', '类别'],
          description: 'Names of the product category column (a breakdown of the report).',
        },
        region: {
          ...stringList,
          minItems: 1,
          default: ['Region', '地区', '区域'],
          description: 'Names of the region column (a breakdown of the report).',
        },
        channel: {
          ...stringList,
          minItems: 1,
          default: ['Channel', '渠道'],
          description: 'Names of the sales channel column (a breakdown of the report).',
        },
        quantity: {
          ...stringList,
          minItems: 1,
          default: ['Quantity', 'Qty', 'Units', '数量'],
          description: 'Names of the quantity column: the units on the line.',
        },
        unitPrice: {
          ...stringList,
          default: ['Unit Price', 'Price', '单价'],
          description:
            'Names of the unit price column: a line without an amount counts unit price × quantity. amount or unitPrice must have a name.',
        },
        amount: {
          ...stringList,
          default: ['Amount', 'Revenue', 'Sales', '金额', '销售额'],
          description:
            "Names of the amount column: the line's revenue, a refund negative. A line whose amount is empty counts unitPrice × quantity.",
        },
        store: {
          ...stringList,
          default: ['Store', 'Shop', '门店', '店铺'],
          description: 'Read only when a report is scoped to or split by store.',
        },
        manager: {
          ...stringList,
          default: ['Manager', 'Store Manager', '店长', '负责人'],
          description: 'Read only when a report is scoped to or split by manager.',
        },
      },
    },
  },
} as const;

/**
 * The one configuration object. Defaults make the embedded setup (local dev server, SMTP sink, vLLM simulator)
 * work with no file at all. Secrets are not here: they come from the environment (see config/config.ts).
 */
export const configSchema = {
  $id: 'https://sales-report.local/schemas/config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    temporal: {
      description:
        'The Temporal server the workers and the CLI connect to: its address, namespace and task queue, TLS and payload encryption.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        address: {
          type: 'string',
          minLength: 1,
          default: '127.0.0.1:7233',
          description: "host:port of the Temporal server's frontend.",
        },
        namespace: {
          type: 'string',
          minLength: 1,
          default: 'default',
          description: 'The Temporal namespace the runs, schedules and search attributes are in.',
        },
        taskQueue: {
          type: 'string',
          minLength: 1,
          default: 'sales-report',
          description:
            "The task queue this deployment's workers poll and its runs are started on. It also names the GPU pool (<taskQueue>-gpu-pool) and a local-process host's GPU queue (<taskQueue>-gpu@<hostId>).",
        },
        uiUrl: {
          type: 'string',
          format: 'uri',
          default: 'http://127.0.0.1:8233',
          description:
            "Base URL of the Temporal Web UI: the links to runs in the report's footer, alerts and the CLI are built on it, and the codec server allows its origin by default.",
        },
        encryption: {
          description:
            'Encrypt every payload (AES-256-GCM) with the keys in $SALES_REPORT_ENCRYPTION_KEYS, on workers, the CLI and every client.',
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: {
              type: 'boolean',
              default: false,
              description:
                'Encrypt payloads; $SALES_REPORT_ENCRYPTION_KEYS must then be set, or the process stops with an error.',
            },
          },
        },
        tls: {
          description:
            'TLS to the Temporal server, with a client certificate for mTLS. With $TEMPORAL_API_KEY set (Temporal Cloud), TLS is on without it.',
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: {
              type: 'boolean',
              default: false,
              description: 'Connect to the server over TLS, with the files below.',
            },
            serverName: {
              type: 'string',
              description:
                "The name the server's certificate is checked against, when it differs from the address's host.",
            },
            serverRootCACertPath: {
              type: 'string',
              description: "PEM file of the CA certificate the server's certificate must chain to (a private CA).",
            },
            clientCertPath: {
              type: 'string',
              description: 'PEM file of the client certificate (mTLS); used together with clientKeyPath.',
            },
            clientKeyPath: {
              type: 'string',
              description: "PEM file of the client certificate's private key; used together with clientCertPath.",
            },
          },
        },
      },
    },
    report: {
      description:
        'What every report shares: its time zone, and the language, currency and title reports[] may set otherwise, the trend, the PDF and the archive link.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        timezone: {
          type: 'string',
          minLength: 1,
          default: 'Asia/Shanghai',
          description:
            "IANA time zone of the report dates, the schedules' crons, the email's Date header and the dates PostgreSQL prints (its session TimeZone).",
        },
        locale: {
          enum: ['zh-CN', 'en-US'],
          default: 'zh-CN',
          description:
            "The reports' language (prompts, the model's words, email, workbook, archive page) where reports[].locale does not set one.",
        },
        currency: {
          type: 'string',
          pattern: '^[A-Z]{3}$',
          default: 'CNY',
          description:
            "ISO 4217 code of the reports' money where reports[].currency does not set one: figures are formatted and checked in it; the source's amounts are taken as they are, not converted.",
        },
        title: {
          type: 'string',
          minLength: 1,
          default: 'Weekly sales report',
          description:
            "The title at the head of the email, in its subject, workbook and alerts, where reports[].title does not set one. The default is written in the report's language and period (销售周报, Daily sales flash).",
        },
        trendWeeks: {
          type: 'integer',
          minimum: 2,
          maximum: 52,
          default: 8,
          description:
            'Weeks of revenue and orders in the trend (chart, workbook, figures); the data read widens to match.',
        },
        pdf: {
          type: 'boolean',
          default: false,
          description:
            "Print each report's email as an A4 PDF too (headless Chromium, the bundled Noto Sans SC embedded), attached to the email and kept in its archive. A report may say otherwise (reports[].pdf).",
        },
        flatChangePercent: {
          type: 'number',
          minimum: 0,
          maximum: 20,
          default: 1,
          description:
            'A change within ± this many percent is "flat" (持平): what the facts tell the model and what the claim check holds "flat", "steady" or 持平 to.',
        },
        archiveUrl: {
          type: 'string',
          minLength: 1,
          description:
            "Where the store's archive/ folder is served (a file share, an S3 static site, an intranet path): the email links to <archiveUrl>/index.html, the list of every report.",
        },
      },
    },
    reports: {
      description:
        'The reports this deployment writes, each one a report of its own (its own runs, its own send, its own audit). Absent: one report, "weekly", of the whole source to email.to / cc / bcc, titled report.title. A run names its report in its input ({"report": "<id>"}); without one it writes the first.',
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: {
            type: 'string',
            pattern: '^[a-z0-9][a-z0-9-]{0,39}$',
            description: 'What runs, sends and the audit call it (the ReportId search attribute).',
          },
          title: { type: 'string', minLength: 1, description: 'The email title. Default: report.title.' },
          period: {
            enum: ['day', 'week', 'month'],
            default: 'week',
            description:
              'day: yesterday against the same weekday a week before, with a 14-day trend (a daily flash); week: the 7 days to yesterday against the 7 before; month: the month to yesterday against the same days of the month before (on the 1st, the whole last month against the whole month before), with a 6-month trend.',
          },
          scope: {
            description: 'Only these lines: e.g. {"region": ["华东"]}. Every figure, target and chart is of the scope.',
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: {
              region: scopeValues('Only lines of these regions, spelled as in the data.'),
              channel: scopeValues('Only lines of these channels, spelled as in the data.'),
              category: scopeValues('Only lines of these categories, spelled as in the data.'),
              store: scopeValues('Only lines of these stores, from the optional store column (data.columns.store).'),
              manager: scopeValues(
                'Only lines of these managers, from the optional manager column (data.columns.manager).',
              ),
            },
          },
          split: {
            description:
              "One report per value of a field, each to its own recipients and holding only that value's figures. The values are the recipients' keys, spelled as in the data.",
            type: 'object',
            additionalProperties: false,
            required: ['by', 'recipients'],
            properties: {
              by: {
                enum: ['region', 'channel', 'category', 'store', 'manager'],
                description: 'store and manager are read from the optional columns data.columns.store / .manager.',
              },
              recipients: {
                type: 'object',
                minProperties: 1,
                additionalProperties: { ...emailList, minItems: 1 },
                description:
                  'Each value of split.by, spelled as in the data, with the addresses its report goes to: one report is written per value listed (or read from recipientsFile).',
              },
              chat: {
                type: 'object',
                minProperties: 1,
                additionalProperties: chatChannels,
                description:
                  "Each value's own chat groups, by value as in recipients: a value's card goes only to its groups, as its email only to its readers.",
              },
              recipientsFile: {
                type: 'string',
                minLength: 1,
                description:
                  'Instead of recipients: a CSV file with a header, the value in a column named after the field ("store") or "value", its addresses in "to" (several separated by ";"), a value on several rows has all their readers. Read when the config loads: restart the workers after changing it.',
              },
            },
          },
          chat: {
            ...chatChannels,
            description:
              "Chat groups that get the report as a card (headline, three KPIs with change, a link to its archive page) after its email: DingTalk, WeCom, Feishu, Slack, Teams. A split report names each value's groups in split.chat instead.",
          },
          source: {
            type: 'string',
            minLength: 1,
            description: 'Which data source it reads: "data" (the default) or a name under sources.',
          },
          currency: {
            type: 'string',
            pattern: '^[A-Z]{3}$',
            description:
              "The currency of its figures (ISO 4217), for a source kept in another one (a Hong Kong shop's HKD): its money is formatted and checked in it. No conversion: the source's amounts are taken as they are. Default: report.currency.",
          },
          pdf: { type: 'boolean', description: 'Print its email as an A4 PDF too. Default: report.pdf.' },
          prompt: {
            type: 'string',
            pattern: '^[a-z0-9][a-z0-9-]{0,39}$',
            description:
              'A fixed system prompt of its own: prompts/system.<prompt>.<locale>.md (e.g. "store" for prompts/system.store.zh-CN.md), audited by its sha256 as the others. The user prompt and the figure check stay its period\'s. Default: its period\'s system prompt.',
          },
          schedule: {
            description:
              'When this report is written, if not with the morning (schedule.cron in report.timezone): e.g. {"cron": "0 9 1 * *"} for the 1st of each month. Reports of one cron and time zone start together; every report due at once shares the GPU boot and the read.',
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: {
              cron: {
                type: 'string',
                minLength: 9,
                description: 'Five fields, as schedule.cron. Default: schedule.cron.',
              },
              timezone: {
                type: 'string',
                minLength: 1,
                description:
                  'Where the cron is read and the report date is the day it fires (IANA name). Default: report.timezone.',
              },
            },
          },
          locale: {
            enum: ['zh-CN', 'en-US'],
            description: "The report's language: its prompts, words, email and workbook. Default: report.locale.",
          },
          to: { ...emailList, minItems: 1, description: 'Default: email.to. Not with split.' },
          cc: { ...emailList, description: 'Default: email.cc, or none for a split report.' },
          bcc: { ...emailList, description: 'Default: email.bcc, or none for a split report.' },
        },
      },
    },
    targets: {
      description:
        'Sales targets, one row each: period (a month, 2026-11, or the first day of a week, 2026-11-23), kpi (revenue, orders, units), dimension and name (empty for the company; region / channel / category and its name for a revenue target of one), target. From a CSV file (path) or a PostgreSQL table or view (table; the URL from $SALES_REPORT_DATABASE_URL). The report shows attainment and the gap, and for a month the month-to-date pace.',
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {
        path: {
          type: 'string',
          minLength: 1,
          description:
            'A CSV file of target rows with a header (period, kpi, target; dimension and name optional), its encoding and delimiter detected as for the sales CSV. Not with table.',
        },
        table: {
          type: 'string',
          pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$',
          description:
            "A PostgreSQL table or view (name or schema.name) with the columns period, kpi, dimension, name and target, in the database at $SALES_REPORT_DATABASE_URL; only the rows of the report's week and month are read. Not with path.",
        },
      },
    },
    data: {
      ...dataSchema,
      description:
        'The default data source: where order lines come from and how they are read. A report reads it unless it names one of sources (reports[].source).',
    },
    sources: {
      description:
        'Named data sources besides `data`, each read as `data` is (a file, files by date, S3 or PostgreSQL, with its own columns and rules): e.g. {"online-shop": {"path": "/srv/exports/shop-{date}.csv"}}. A report names its source (reports[].source); every report of a source shares its one read.',
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9][a-z0-9-]{0,39}$' },
      additionalProperties: dataSchema,
    },
    gpu: {
      description:
        'How runs get the model server: the provider that starts and stops it, its price, and how long its start, readiness and stop may take.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        provider: {
          enum: ['local-process', 'static', 'aws-ec2', 'command'],
          default: 'local-process',
          description:
            "What starts the model server: local-process runs it on the worker's host (the vLLM simulator by default), aws-ec2 starts existing EC2 instances, command runs shell commands for any other cloud, static uses an always-on endpoint.",
        },
        hourlyPrice: { type: 'number', minimum: 0, default: 0.8, description: 'Price per hour, in priceCurrency.' },
        priceCurrency: {
          type: 'string',
          pattern: '^[A-Z]{3}$',
          default: 'USD',
          description:
            'The currency of hourlyPrice (ISO 4217), in which GPU costs are recorded and shown (run audits, sales-report cost).',
        },
        readyTimeoutSeconds: {
          ...seconds,
          default: 900,
          description:
            'How long an instance has, from its start request, until its model server serves llm.model; past it the start fails and the runs waiting for it treat the model as unreachable (llm.onModelDown).',
        },
        pollIntervalSeconds: {
          ...seconds,
          default: 2,
          description:
            'Seconds between readiness probes of a starting server, and between state checks of an aws-ec2 or command instance.',
        },
        stopTimeoutSeconds: {
          ...seconds,
          default: 60,
          description:
            "How long a stop may take, in seconds: local-process sends SIGKILL this long after SIGTERM. The pool's first try lasts at most 3 × (this + 30 s) before ops are told; it then keeps stopping for up to a day.",
        },
        stateDir: {
          type: 'string',
          minLength: 1,
          default: 'out/state/gpu',
          description: "This host's own GPU files: the local-process server's logs.",
        },
        serving: {
          description:
            'What one instance of gpu.provider does with the model, for planning a morning against schedule.deadline. The defaults are an L4 serving Qwen2.5-7B-Instruct in FP16 with vLLM (docs/gpu-providers.md): measure yours and set them.',
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            bootSeconds: {
              type: 'number',
              minimum: 0,
              default: 60,
              description: 'From the start request until the model server answers.',
            },
            decodeTokensPerSecond: {
              type: 'number',
              exclusiveMinimum: 0,
              default: 800,
              description: 'Completion tokens a second, all requests together.',
            },
            prefillTokensPerSecond: {
              type: 'number',
              exclusiveMinimum: 0,
              default: 4000,
              description: 'Prompt tokens a second; the prefix the server caches (the fixed system prompt) is free.',
            },
          },
        },
        pool: {
          description:
            'Every run leases the GPU from one pool workflow, which starts the instance, grants it to every run that asks, and stops it after the last release plus a grace.',
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            poolId: { type: 'string', minLength: 1, description: 'Default: "<taskQueue>-gpu-pool".' },
            idleGraceSeconds: {
              type: 'number',
              minimum: 0,
              default: 0,
              description:
                'How long the instance stays up after the last release, for a late re-run; paid whether or not one comes. 0: stopped at once.',
            },
            holderCheckSeconds: {
              type: 'number',
              minimum: 1,
              default: 15,
              description:
                'How often the pool asks Temporal whether its holders still run (a terminated run never releases).',
            },
            historyEventsBeforeContinueAsNew: {
              type: 'integer',
              minimum: 100,
              default: 2000,
              description:
                'The pool workflow continues as new after this many history events, carrying its running instance and its holders.',
            },
            maxInstances: {
              type: 'integer',
              minimum: 1,
              maximum: 100,
              default: 1,
              description:
                'The most instances the pool runs at once. Above 1 the pool is a fleet: a morning with schedule.deadline orders as many as its reports need by then (at most this), one more is started when the reports fall behind, and each is stopped once the reports left fit on fewer. Each instance has llm.maxConcurrentRequests slots. local-process uses the ports from gpu.localProcess.port up, one each; aws-ec2 takes a candidate of gpu.awsEc2.instanceIds each; static serves one endpoint and cannot be a fleet.',
            },
          },
        },
        reaper: {
          description: 'A scheduled sweep that stops managed instances no live run holds, and any past a hard limit.',
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            intervalSeconds: {
              type: 'number',
              minimum: 10,
              default: 600,
              description: 'Seconds between sweeps (the gpuReaper schedule that schedule apply creates).',
            },
            idleGraceSeconds: {
              type: 'number',
              minimum: 0,
              default: 120,
              description:
                "How long an instance no live run holds is left before a sweep stops it, counted from its run's end (else from its start), so a run's own stop goes first.",
            },
            maxUptimeSeconds: {
              type: 'number',
              minimum: 60,
              default: 14_400,
              description:
                'A hard limit: an instance up longer than this, from its start request, is stopped whether or not a run holds it. 14,400 is 4 hours.',
            },
          },
        },
        localProcess: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Spawns the server on this host. ${port} and ${model} in args are replaced.',
          properties: {
            command: {
              type: 'string',
              minLength: 1,
              default: 'node',
              description:
                'The program that serves the model: node running the simulator by default, vllm on a GPU host. A path with a slash is taken from cwd; a bare name is looked up on PATH.',
            },
            args: {
              ...stringList,
              default: ['--require', 'tsx/cjs', 'dev/simulator/main.ts', '--port', '${port}', '--model', '${model}'],
              description:
                'Its arguments; ${port} and ${model} (llm.model) are filled in. The default starts the vLLM simulator.',
            },
            cwd: {
              type: 'string',
              minLength: 1,
              default: '.',
              description: "The directory the server runs in, relative to the worker's working directory.",
            },
            host: {
              type: 'string',
              minLength: 1,
              default: '127.0.0.1',
              description: 'Where the worker reaches the server: its endpoint is http://<host>:<port>.',
            },
            port: {
              type: 'integer',
              minimum: 1,
              maximum: 65535,
              default: 8000,
              description:
                "The server's port (${port} in args); a fleet uses the ports from this one up, one per instance.",
            },
            hostId: {
              type: 'string',
              pattern: '^[A-Za-z0-9._-]+$',
              description:
                'This host\'s name in its GPU task queue ("<taskQueue>-gpu@<hostId>"), where the server\'s start and stop run. Default: the host name.',
            },
            passEnv: {
              ...stringList,
              default: [],
              description:
                'Environment variables the server may see beyond paths, locale and GPU settings, e.g. ["VLLM_API_KEY", "HF_TOKEN"]. The worker\'s other secrets are never passed.',
            },
          },
        },
        awsEc2: {
          description: 'Starts and stops existing EC2 instances that run vLLM on boot. Credentials: the AWS SDK chain.',
          type: 'object',
          additionalProperties: false,
          properties: {
            region: { type: 'string', minLength: 1, description: 'The AWS region of the instances.' },
            instanceIds: {
              description:
                'Candidates in order, e.g. one per availability zone; the next is tried on InsufficientInstanceCapacity.',
              type: 'array',
              minItems: 1,
              items: { type: 'string', pattern: '^i-[0-9a-f]+$' },
            },
            address: {
              enum: ['private-ip', 'public-ip'],
              default: 'private-ip',
              description:
                'Which IP address of the instance its endpoint uses (http://<ip>:<port>); not used with endpointUrl.',
            },
            port: {
              type: 'integer',
              minimum: 1,
              maximum: 65535,
              default: 8000,
              description: 'The port vLLM listens on, on the instance.',
            },
            endpointUrl: {
              type: 'string',
              format: 'uri',
              description: 'Use this vLLM URL instead of the instance IP.',
            },
            apiEndpoint: {
              type: 'string',
              format: 'uri',
              description: 'EC2 API endpoint override (VPC endpoint, tests).',
            },
            stateTimeoutSeconds: {
              type: 'number',
              exclusiveMinimum: 0,
              default: 600,
              description:
                'How long to wait, in seconds, for an instance to reach the state asked: running after a start, stopped after a stop.',
            },
          },
          required: ['region', 'instanceIds'],
        },
        command: {
          description:
            'Shell commands for any other cloud. ${owner}, ${instanceId}, ${model} reach them only through the environment (SALES_REPORT_OWNER, SALES_REPORT_INSTANCE_ID, SALES_REPORT_MODEL), as one word each; write them bare, not inside quotes. In endpoint, ${field.path} takes fields of the status JSON.',
          type: 'object',
          additionalProperties: false,
          properties: {
            instanceId: {
              type: 'string',
              minLength: 1,
              description: 'Fixed id, when the start command does not print one.',
            },
            start: { type: 'string', minLength: 1, description: 'May print JSON with "instanceId".' },
            stop: {
              type: 'string',
              minLength: 1,
              description: 'Stops the instance; status is then polled until it shows one of stoppedStates.',
            },
            status: { type: 'string', minLength: 1, description: 'Prints JSON describing the instance.' },
            stateField: {
              type: 'string',
              minLength: 1,
              default: 'state',
              description: 'Dot path of the state in the status JSON.',
            },
            runningStates: {
              ...stringList,
              minItems: 1,
              default: ['running', 'Running', 'RUNNING'],
              description: "Values of the status JSON's stateField that mean running: a start waits for one.",
            },
            stoppedStates: {
              ...stringList,
              minItems: 1,
              default: ['stopped', 'Stopped', 'STOPPED', 'terminated'],
              description:
                "Values of the status JSON's stateField that mean stopped: a stop waits for one, and one seen while the server is awaited fails the start.",
            },
            endpoint: {
              type: 'string',
              minLength: 1,
              description: 'e.g. http://${ip}:8000, fields from the status JSON.',
            },
            commandTimeoutSeconds: {
              ...seconds,
              default: 120,
              description: 'How long one start, stop or status command may run before it is killed, in seconds.',
            },
            stateTimeoutSeconds: {
              ...seconds,
              default: 600,
              description:
                'How long to wait, in seconds, after a start or stop for the status to show a running or a stopped state.',
            },
            passEnv: {
              ...stringList,
              default: [],
              description:
                "Environment variables the commands need, by name (the cloud CLI's credentials, KUBECONFIG); besides PATH, HOME, locale and time zone nothing else of the worker's environment reaches them.",
            },
          },
          required: ['start', 'stop', 'status', 'endpoint'],
        },
        static: {
          description: 'An always-on model server (provider static): nothing is started or stopped.',
          type: 'object',
          additionalProperties: false,
          properties: {
            endpoint: { type: 'string', format: 'uri', description: "The server's base URL, e.g. http://vllm:8000." },
          },
          required: ['endpoint'],
        },
      },
    },
    llm: {
      description:
        'The model that writes the narrative: how it is served and asked, and what happens when its answer stays wrong or it cannot be reached.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        model: {
          type: 'string',
          minLength: 1,
          default: 'Qwen/Qwen2.5-7B-Instruct',
          description:
            "The model's name as the server serves it: sent in every request, looked for in /v1/models before the GPU counts as ready, and ${model} in local-process args and command templates.",
        },
        server: {
          enum: ['vllm', 'llama-cpp-python'],
          default: 'vllm',
          description:
            "What serves the model. vllm: response_format json_schema, ready when /health answers. llama-cpp-python (llama.cpp's server from PyPI, for a CPU host): response_format json_object with the schema, the schema's string lengths left to AJV (its grammar converter cannot take them), ready when /v1/models lists the model (it has no /health).",
        },
        temperature: {
          type: 'number',
          minimum: 0,
          maximum: 2,
          default: 0.2,
          description: 'Sampling temperature sent with each request.',
        },
        seed: {
          type: 'integer',
          default: 7,
          description: 'Sampling seed sent with each request, for repeatable sampling.',
        },
        maxTokens: {
          type: 'integer',
          minimum: 64,
          default: 2048,
          description:
            "The most tokens the model may write in one answer (max_tokens); less when the prompt leaves less of the server's context. An answer cut at the limit is refused.",
        },
        maxAttempts: {
          type: 'integer',
          minimum: 1,
          maximum: 10,
          default: 3,
          description:
            'How many answers a run asks the model for: each one refused by the schema or the checks goes back to it with its errors. After the last, llm.onWrongAnswer applies.',
        },
        onWrongAnswer: {
          enum: ['withhold-narrative', 'fail'],
          default: 'withhold-narrative',
          description:
            "When the model's answer is still invalid or misstates figures after maxAttempts: send the report with the numbers and the narrative withheld (and alert ops), or fail the run.",
        },
        onModelDown: {
          enum: ['numbers-only', 'fail'],
          default: 'numbers-only',
          description:
            'When the model cannot be reached (its GPU never serves, every call fails): send the report at its time with the numbers and the narrative withheld (ops are told how many calls were made over how long), or fail the run.',
        },
        checkFigures: {
          type: 'boolean',
          default: true,
          description:
            "Check every figure in the model's words against the computed metrics (and direction words against their sign); wrong ones go back to the model by name, and a run whose answer stays wrong fails.",
        },
        requestTimeoutSeconds: {
          ...seconds,
          default: 180,
          description:
            'How long one call to the model may take; a call past it is abandoned (its connection closed, so the server stops writing) and retried. Default 180 for vLLM, 600 for llama-cpp-python (a CPU prefills and writes minutes, not seconds).',
        },
        maxConcurrentRequests: {
          type: 'integer',
          minimum: 1,
          default: 256,
          description:
            "Requests in flight to one model server, across every worker on every host: set it to the server's --max-num-seqs (vLLM's default 256; llama-cpp-python answers one at a time, its default 1), so none waits inside the server while the GPU bills. The GPU pool hands out the slots; a run waits for one before it calls the model.",
        },
        slotWaitSeconds: {
          ...seconds,
          default: 3600,
          description:
            'How long a run waits for one of llm.maxConcurrentRequests before it treats the model as unreachable (llm.onModelDown).',
        },
      },
    },
    email: {
      description:
        'How reports and alerts are emailed: the relay, how long a send keeps trying, the sender and the recipients.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        smtp: {
          ...smtpRelay,
          default: {},
          description:
            'The relay reports go through (password from $SMTP_PASSWORD); alerts go by it too when alerts.smtp is not set or fails.',
        },
        delivery: {
          description:
            "How long a report's email keeps trying a relay that is away (4xx, refused connections, timeouts): relays go away for minutes to hours, and a Temporal workflow waits for free (durable timers, the GPU long given back). A permanent refusal (5xx) stops at once.",
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            withinMinutes: { type: 'number', minimum: 0, default: 240, description: 'Give up after this long.' },
            firstRetrySeconds: {
              type: 'number',
              minimum: 1,
              default: 30,
              description:
                'The wait before the first retry, in seconds; each later wait doubles, up to maxRetrySeconds.',
            },
            maxRetrySeconds: {
              type: 'number',
              minimum: 1,
              default: 600,
              description: 'The longest wait between two tries, in seconds.',
            },
            lateAfterMinutes: {
              type: 'number',
              minimum: 0,
              default: 15,
              description: 'Tell ops once the email has waited this long, and again when it goes out.',
            },
          },
        },
        from: {
          type: 'string',
          minLength: 3,
          default: 'Sales Reports <sales-reports@example.com>',
          description: 'The From of every email, reports and alerts; its domain also names their Message-IDs.',
        },
        to: {
          ...emailList,
          minItems: 1,
          default: ['sales-team@example.com'],
          description:
            "Who gets the report: the default report's readers, and the default of each report that is not split.",
        },
        cc: {
          ...emailList,
          default: [],
          description: 'Copied on the report (Cc): the default of each report that is not split.',
        },
        bcc: {
          ...emailList,
          default: [],
          description: 'Blind-copied on the report (Bcc): the default of each report that is not split.',
        },
        alertTo: {
          ...emailList,
          minItems: 1,
          default: ['ops@example.com'],
          description:
            'Where ops alerts go by email (failed runs, delays, a GPU not stopped…), besides alerts.webhooks.',
        },
        allowedRecipients: {
          type: 'array',
          items: { type: 'string', minLength: 3 },
          description:
            'Who a recipients override (Web UI, CLI) may name: domains ("example.com") or addresses. Default: the domains of to, cc, bcc and alertTo.',
        },
        replyTo: {
          type: 'string',
          minLength: 3,
          description: 'Where replies go (a team mailbox); the From address is often not read.',
        },
      },
    },
    alerts: {
      description: 'Where failure alerts go besides email (alertTo): robots that post into a chat.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        webhooks: {
          description:
            'Chat robots every alert is posted to, besides the email to email.alertTo; a robot that answers with an error counts as refused.',
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              kind: {
                enum: ['generic', 'dingtalk', 'wecom', 'feishu', 'slack'],
                description:
                  "The robot's platform: dingtalk, wecom, feishu or slack (each its own message shape), or generic (the alert as JSON: event, subject, text, link and run).",
              },
              url: { type: 'string', format: 'uri', description: "The robot's webhook URL." },
              secretEnv: {
                type: 'string',
                pattern: '^[A-Z_][A-Z0-9_]*$',
                description: 'Environment variable holding the signing secret (DingTalk, Feishu).',
              },
            },
            required: ['kind', 'url'],
          },
        },
        timeoutSeconds: {
          ...seconds,
          default: 10,
          description: 'How long one post to a robot may take, in seconds: alerts and report cards alike.',
        },
        smtp: {
          ...smtpRelay,
          description:
            "A second relay for the ops email (password from $ALERT_SMTP_PASSWORD), so alerts do not depend on the report's relay: when it is set, alert emails go by it first and by email.smtp if it fails; the webhooks are told either way. Absent: alerts go by email.smtp.",
        },
      },
    },
    schedule: {
      description: 'The Temporal Schedule that starts the report. Its time zone is report.timezone.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        id: {
          type: 'string',
          minLength: 1,
          default: 'weekly-sales-report',
          description:
            "The report schedule's id; its runs' workflow ids start with it. A schedule for another cron (reports[].schedule) is named <id>-<its first report's id>.",
        },
        cron: {
          type: 'string',
          minLength: 9,
          default: '0 9 * * *',
          description:
            'When the reports are written: a cron expression, read in report.timezone. The default is 9:00 every day.',
        },
        overlap: {
          enum: ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'],
          // Overlapping runs share the pool's one GPU: let every run (and every backfilled day) start.
          default: 'allow_all',
          description:
            "Temporal's overlap policy for a run due while another still runs. allow_all (the default) starts every one: overlapping runs share the pool's GPU.",
        },
        deadline: {
          type: 'string',
          pattern: DEADLINE_PATTERN,
          description:
            'When the morning\'s reports are due: a time of day in report.timezone ("09:30") or a span after the schedule fires ("45m", "1h30m"). A morning the schedule starts plans against it (reports × tokens per report measured from the last mornings ÷ gpu.serving\'s rates, plus its boot): ops hear at once when one GPU instance will not make it ([DEADLINE AT RISK], with the count that would), and at the deadline of every report not yet out ([DEADLINE MISSED]). Its audit says whether it was met. A morning started by hand has none.',
        },
        catchupWindowSeconds: {
          type: 'number',
          minimum: 10,
          default: 3600,
          description:
            'How late, in seconds, a fire the Temporal server missed (it was down) may still start its run; older fires are skipped.',
        },
        jitterSeconds: {
          type: 'number',
          minimum: 0,
          default: 0,
          description: 'Each run starts up to this many seconds after its time, at random; 0: on time.',
        },
        paused: {
          type: 'boolean',
          default: false,
          description:
            'Apply the report schedules paused: they start no runs. The missed-report check and the GPU reaper are not paused with it.',
        },
        note: {
          type: 'string',
          default: '',
          description:
            "A note kept in the schedule's state (why it is paused, say), shown by the Web UI and schedule describe.",
        },
        missedCheck: {
          description:
            'A second schedule checks that every report due by now was sent, and alerts ops for each date with none, whatever the cause (paused schedule, workers down past the catch-up window, a skipped backfill, a failed run). Never paused with the report schedule.',
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            cron: {
              type: 'string',
              minLength: 9,
              default: '0 12 * * *',
              description:
                'When to check, in report.timezone: after the report is due (default three hours after 9:00).',
            },
            lookbackDays: {
              type: 'integer',
              minimum: 1,
              maximum: 31,
              default: 3,
              description: 'How many report dates to check, today included (one alert per date, ever).',
            },
          },
        },
      },
    },
    store: {
      description:
        'Where what must outlive a worker lives: run archives, sent-records, the GPU ledger and leases. A local directory, or S3 (any S3-compatible store) when workers run on several hosts.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        kind: {
          enum: ['local', 's3'],
          default: 'local',
          description:
            'local: a directory on this host (store.dir); s3: a bucket (store.s3), for workers on several hosts.',
        },
        dir: { type: 'string', minLength: 1, default: 'out/store', description: 'The local store.' },
        s3: {
          description:
            'The bucket the store lives in when kind is s3, on AWS or an S3-compatible store. Credentials: the AWS SDK default chain.',
          type: 'object',
          additionalProperties: false,
          properties: {
            bucket: { type: 'string', minLength: 3, description: "The bucket's name." },
            prefix: { type: 'string', pattern: '^$|/$', default: '', description: 'e.g. "sales-report/"' },
            region: { type: 'string', minLength: 1, default: 'us-east-1', description: "The bucket's AWS region." },
            endpoint: { type: 'string', format: 'uri', description: 'An S3-compatible endpoint (MinIO, OSS, COS).' },
            forcePathStyle: {
              type: 'boolean',
              default: false,
              description:
                "Address the bucket in the URL's path rather than in its host name, as most S3-compatible stores (MinIO) want.",
            },
          },
          required: ['bucket'],
        },
      },
    },
    worker: {
      description: 'How the worker process shows itself to operators: metrics, health, logs.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        metricsAddress: {
          type: 'string',
          pattern: '^[^\\s:]+:[0-9]{1,5}$',
          description:
            "host:port of the Prometheus scrape endpoint (/metrics): the SDK's worker metrics and the product's (reports by outcome, LLM calls and tokens, GPU seconds, sends, alerts). Off when unset.",
        },
        pulseSeconds: {
          type: 'integer',
          minimum: 10,
          default: 60,
          description:
            "With metricsAddress: how often the worker reads from Temporal and the store what a dead man's switch outside it needs (each report's last due time and its values sent since, the missed-report check's last run, GPU instances no run holds) and exports it as gauges (deploy/prometheus/).",
        },
        healthAddress: {
          type: 'string',
          pattern: '^[^\\s:]+:[0-9]{1,5}$',
          description:
            "host:port of /healthz: 200 when the worker polls its task queues and can read the namespace's payloads, 503 with the reason otherwise. Off when unset.",
        },
        logFormat: {
          enum: ['json', 'text'],
          default: 'json',
          description:
            'json: one JSON object per line with the workflow and run ids (for a log pipeline); text: for a terminal.',
        },
        logLevel: {
          enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'],
          default: 'INFO',
          description: "The lowest level of log line the worker writes (the SDK core's own lines: WARN and above).",
        },
        maxConcurrentActivities: {
          type: 'integer',
          minimum: 10,
          default: 400,
          description:
            "Activities this worker runs at once. A run holding one of llm.maxConcurrentRequests slots needs one of these to call the model: too few, and a morning's renders and sends hold them while the GPU's slots wait (the SDK's default is 100). The model's own bound is llm.maxConcurrentRequests.",
        },
      },
    },
    timeouts: {
      description: 'Activity time limits, in seconds.',
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        loadDataSeconds: {
          ...seconds,
          default: 600,
          description: 'Time limit of one try at reading the sales data and computing the metrics.',
        },
        gpuStartSeconds: {
          ...seconds,
          default: 300,
          description:
            "Time limit of the GPU provider's start request; a run waits for its lease at most this plus gpu.readyTimeoutSeconds.",
        },
        renderSeconds: {
          ...seconds,
          default: 120,
          description: 'Time limit of one try at rendering the report (HTML, text, chart, workbook, PDF).',
        },
        emailSeconds: {
          ...seconds,
          default: 120,
          description:
            'Time limit of one try at sending an email; never less than email.smtp.dataTimeoutSeconds plus twice its connectionTimeoutSeconds.',
        },
        heartbeatSeconds: {
          ...seconds,
          default: 30,
          description:
            'How long an activity that heartbeats (loading data, calling the model, sending, starting and stopping the GPU) may go silent before Temporal retries it, on another worker if need be.',
        },
        retryInitialIntervalSeconds: {
          ...seconds,
          default: 5,
          description:
            "The wait before a failed activity's first retry (Temporal's retry policy, which then backs off).",
        },
        retryMaximumAttempts: {
          type: 'integer',
          minimum: 1,
          default: 5,
          description:
            'How many times an activity is tried in all; stopping a GPU is retried beyond it, for up to a day.',
        },
      },
    },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
