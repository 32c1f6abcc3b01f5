package corpus

// Vocabularies: fixed lists, so output depends only on the seed.

var vocab = []string{
	"time", "cache", "edge", "bucket", "worker", "render", "sync", "listing", "manifest", "shard",
	"object", "request", "latency", "throughput", "deploy", "build", "page", "entry", "collection",
	"tag", "author", "content", "markdown", "theme", "layout", "asset", "image", "figure", "server",
	"client", "region", "replica", "index", "query", "table", "column", "record", "field", "value",
	"key", "hash", "digest", "stream", "buffer", "queue", "batch", "window", "signal", "metric",
	"trace", "profile", "memory", "allocation", "heap", "stack", "network", "packet", "route",
	"header", "cookie", "token", "secret", "policy", "rule", "limit", "budget", "cost", "price",
	"invoice", "garden", "river", "mountain", "forest", "harbor", "island", "meadow", "valley",
	"canyon", "glacier", "desert", "prairie", "morning", "evening", "winter", "summer", "autumn",
	"spring", "season", "weather", "storm", "breeze", "sunlight", "shadow", "reader", "writer",
	"editor", "draft", "revision", "release", "version", "change", "update", "patch", "commit",
	"branch", "merge", "simple", "careful", "quiet", "rapid", "steady", "gentle", "honest", "patient",
	"curious", "modest", "brave", "clever", "measure", "compare", "improve", "reduce", "increase",
	"observe", "explain", "describe", "publish", "collect", "the", "a", "of", "and", "to", "in", "is",
	"that", "it", "for", "on", "with", "as", "was", "at", "by", "an", "be", "this", "from", "or",
	"have", "not", "are", "but", "we", "they", "you", "which", "one", "all", "their", "there", "been",
	"has", "more", "when", "will", "would", "can", "about", "if", "out", "so", "what", "up", "its",
	"into", "than", "them", "only", "other", "new", "some", "could", "these", "two", "may", "then",
	"do", "first", "any", "like", "now", "my", "over", "such", "our", "man", "me", "even", "most",
	"made", "after", "also", "did", "many", "before", "must", "through", "back", "years", "where",
	"much", "your", "way", "well", "down", "should", "because", "each", "just", "those", "people",
	"how", "too", "little", "state", "good", "very", "make", "world", "still", "own", "see", "men",
	"work", "long", "get", "here", "between", "both", "life", "being", "under", "never", "day",
	"same", "another", "know", "while", "last", "might", "us", "great", "old", "year", "off", "come",
	"since", "against", "go", "came", "right", "used", "take", "three", "café", "naïve", "résumé",
	"façade", "jalapeño", "über", "smörgåsbord", "fiancée", "piñata", "crème", "brûlée",
}

// unicodeWords appear in titles (about one word in five).
var unicodeWords = []string{
	"Café", "Naïve", "Über", "São Paulo", "Zürich", "Ærøskøbing", "Kraków", "Ελληνικά", "Привет",
	"日本語", "東京", "한국어", "Ωmega", "Δelta", "Ångström", "Łódź", "İstanbul", "Ñandú", "Crème brûlée",
	"Straße", "Dvořák", "Reykjavík", "中文", "مرحبا", "שלום", "Hà Nội",
}

// tagVocab is drawn from with a Zipf distribution: the first tags are common.
var tagVocab = []string{
	"indexing", "topic 170", "testing", "vim", "topic 331", "topic 307", "topic 152", "topic 249",
	"varnish", "parallelism", "topic 125", "topic 387", "security", "topic 371", "caching",
	"topic 164", "topic 140", "svg", "topic 362", "topic 369", "topic 365", "topic 346", "topic 182",
	"topic 379", "topic 388", "nginx", "topic 192", "serverless", "topic 169", "topic 161",
	"topic 211", "topic 281", "migrations", "topic 342", "topic 172", "topic 257", "wasm",
	"topic 209", "topic 359", "topic 234", "topic 251", "hugo", "topic 130", "cooking", "climate",
	"career", "topic 325", "topic 337", "edge", "topic 184", "topic 271", "topic 350", "topic 201",
	"minio", "topic 195", "topic 264", "graphql", "topic 284", "topic 339", "topic 375", "topic 314",
	"über", "open source", "topic 166", "topic 399", "topic 240", "topic 163", "kubernetes",
	"topic 395", "東京 notes", "topic 213", "topic 226", "topic 206", "topic 248", "javascript",
	"topic 133", "topic 258", "topic 323", "topic 312", "topic 134", "topic 340", "topic 191",
	"topic 329", "topic 196", "topic 186", "topic 244", "emacs", "topic 386", "rust", "css",
	"topic 178", "topic 237", "topic 344", "topic 358", "topic 283", "typography", "topic 235",
	"topic 287", "topic 263", "topic 241", "music", "observability", "한국", "topic 224", "topic 193",
	"topic 266", "topic 267", "topic 188", "topic 309", "topic 151", "café", "markdown", "incidents",
	"topic 279", "topic 385", "postmortems", "topic 231", "topic 180", "topic 225", "topic 246", "cd",
	"ελληνικά", "topic 302", "topic 361", "topic 129", "brotli", "topic 275", "topic 207",
	"topic 146", "topic 239", "photography", "topic 308", "topic 354", "profiling", "topic 374",
	"topic 396", "topic 149", "topic 304", "ångström", "learning", "topic 141", "s3", "topic 243",
	"topic 277", "topic 159", "writing", "history", "topic 216", "biology", "topic 345", "topic 155",
	"topic 313", "topic 128", "topic 300", "topic 245", "books", "benchmarks", "topic 260",
	"topic 391", "topic 171", "topic 278", "topic 364", "git", "topic 168", "topic 376", "topic 139",
	"topic 247", "topic 328", "topic 135", "topic 351", "workers", "topic 132", "topic 210",
	"topic 306", "topic 310", "topic 208", "topic 270", "grpc", "tls", "deploys", "topic 336",
	"topic 122", "topic 256", "topic 393", "topic 389", "topic 305", "topic 121", "topic 291",
	"topic 154", "memory", "maps", "topic 378", "topic 397", "topic 347", "topic 198", "topic 373",
	"http", "topic 255", "topic 355", "data structures", "topic 366", "topic 137", "streams",
	"topic 290", "go", "topic 334", "topic 332", "topic 324", "throughput", "docker", "topic 273",
	"kraków", "travel", "html", "topic 392", "release", "topic 221", "topic 162", "topic 381",
	"sqlite", "topic 227", "miniflare", "workerd", "cloudflare", "topic 143", "topic 204",
	"topic 303", "topic 223", "topic 199", "topic 384", "topic 230", "привет мир", "design",
	"topic 189", "topic 173", "topic 167", "topic 353", "topic 131", "topic 219", "topic 176",
	"topic 343", "backups", "topic 144", "topic 156", "concurrency", "topic 136", "naïve bayes",
	"topic 317", "python", "tools", "meetups", "topic 380", "topic 150", "topic 265", "topic 348",
	"r2", "façade", "topic 315", "topic 261", "pprof", "gzip", "topic 318", "résumé", "topic 194",
	"topic 183", "topic 212", "topic 269", "topic 220", "teaching", "topic 142", "topic 205",
	"topic 320", "sre", "topic 326", "topic 301", "topic 200", "topic 367", "topic 126", "community",
	"topic 319", "zürich", "topic 341", "topic 252", "math", "latency", "topic 181", "topic 236",
	"performance", "topic 177", "topic 197", "topic 145", "topic 228", "topic 158", "topic 370",
	"api", "topic 242", "topic 138", "accessibility", "topic 382", "topic 233", "topic 296",
	"topic 338", "topic 179", "topic 174", "topic 335", "topic 293", "topic 363", "search", "dns",
	"topic 215", "topic 250", "topic 398", "topic 372", "on call", "topic 360", "topic 262",
	"topic 357", "topic 394", "topic 311", "topic 147", "topic 229", "topic 175", "topic 253",
	"topic 268", "topic 330", "topic 294", "compression", "topic 124", "topic 352", "topic 127",
	"topic 153", "topic 185", "topic 232", "topic 368", "topic 238", "topic 160", "topic 218",
	"topic 272", "topic 254", "caddy", "topic 316", "topic 377", "topic 288", "json", "topic 280",
	"l10n", "topic 190", "async", "topic 327", "topic 356", "topic 297", "notes", "algorithms",
	"topic 349", "topic 286", "topic 157", "topic 292", "physics", "topic 276", "editor", "topic 383",
	"topic 148", "conferences", "topic 285", "databases", "straße", "postgres", "topic 203",
	"topic 299", "topic 295", "yaml", "topic 390", "topic 321", "topic 322", "crème brûlée", "energy",
	"topic 289", "bash", "topic 217", "topic 282", "fonts", "topic 123", "rest", "topic 214",
	"topic 222", "images", "cdn", "日本", "topic 259", "linux", "topic 298", "topic 187", "i18n",
	"topic 274", "queues", "sql", "topic 333", "topic 202", "ci", "topic 165",
}

var authors = []string{
	"Ada Lovelace", "José Müller", "Zoë Faber", "Björn Ødegaard", "Chloé Martin", "Ngozi Okafor",
	"Łukasz Zieliński", "Mei Sato", "Arjun Rao", "Émile Dubois", "Sofía Peña", "Kwame Mensah",
	"Ines Šimić", "Olga Ivanova", "Tomás Ó Briain", "Yuki Tanaka", "Priya Nair", "Hana Kovář",
	"Rafael Núñez", "Grace Hopper",
}

// sections are the docs collection's sub-folders.
var sections = []string{
	"guides", "reference", "concepts", "howto/setup", "howto/deploy", "internals",
}
