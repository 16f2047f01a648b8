/** Vocabulary for generated prose and tags: plain words keep titles and slugs readable. */
export const words = `
ability able about above accept account across action activity actually add address admit adult affect after again
against agent agree ahead allow almost alone along already also always amount analysis animal another answer anyone
approach area argue around arrive article artist attack attention audience author available avoid away baby back bad
balance bank base beautiful become before begin behavior behind believe benefit best better between beyond big bill
blood board body book born both box break bring brother budget build building business call camera campaign cancer
capital card care career carry case catch cause cell center central century certain chair challenge chance change
character charge check child choice choose church citizen city civil claim class clear close coach cold collection
college color come common community company compare computer concern condition conference consider consumer contain
continue control cost could country couple course court cover create crime cultural culture current customer dark data
daughter dead deal debate decade decide decision deep defense degree democratic describe design despite detail
determine develop difference difficult dinner direction director discover discuss disease doctor door down draw dream
drive drop during each early east easy economic economy edge education effect effort eight either election else
employee energy enjoy enough enter entire environment evening event ever every evidence exactly example executive
exist expect experience expert explain face fact factor fail fall family fast father fear federal feel field fight
figure fill film final finally financial find fine finger finish fire firm first fish five floor focus follow food foot
force foreign forget form former forward free friend front full fund future game garden general generation girl give
glass goal good government great green ground group grow growth guess hair half hand hang happen happy hard have head
health hear heart heat heavy help here herself high himself history hold home hope hospital hotel hour house however
huge human hundred husband idea identify image imagine impact important improve include increase indeed indicate
industry information inside instead institution interest interview into investment issue item itself join just keep
kind kitchen know land language large last late later laugh lawyer lead leader learn least leave left legal less
letter level life light like likely line list listen little live local long look lose loss love machine magazine main
maintain major majority make manage management manager many market marriage material matter maybe mean measure media
medical meet meeting member memory mention message method middle might military million mind minute miss mission model
modern moment money month more morning most mother mouth move movement movie much music must myself name nation
national natural nature near nearly necessary need network never news newspaper next nice night none north note nothing
notice number occur offer office officer official often once only onto open operation option order organization other
others outside over own owner page pain painting paper parent part participant particular partner party pass past
patient pattern peace people perform perhaps period person personal phone physical pick picture piece place plan plant
play player point police policy political politics poor popular population position positive possible power practice
prepare present president pressure pretty prevent price private probably problem process produce product production
professional professor program project property protect prove provide public pull purpose push quality question quickly
quite race radio raise range rate rather reach read ready real reality realize really reason receive recent recently
recognize record reduce reflect region relate remain remember remove report represent require research resource
respond response rest result return reveal rich right rise risk road rock role room rule safe same save scene school
science scientist score season seat second section security seek seem sell send senior sense series serious serve
service seven several shake share shoot short shot should shoulder show side sign significant similar simple simply
since sing single sister site situation size skill skin small smile social society soldier some somebody someone
something sometimes song soon sort sound source south southern space speak special specific speech spend sport spring
staff stage stand standard star start state statement station stay step still stock stop store story strategy street
strong structure student study stuff style subject success successful such suddenly suffer suggest summer support sure
surface system table take talk task teach teacher team technology television tell tend term test than thank that their
them themselves theory there these they thing think third this those though thought thousand threat three through
throughout throw thus time today together tonight total tough toward town trade traditional training travel treat
treatment tree trial trip trouble true truth turn type under understand unit until upon usually value various very
victim view violence visit voice vote wait walk wall want watch water weapon wear week weight well west western what
whatever when where whether which while white whole whose wide wife will wind window wish with within without woman
wonder word work worker world worry would write writer wrong yard yeah year young yourself
`
  .trim()
  .split(/\s+/);

/** Tag vocabulary: the first ones are the most used (Zipf rank order). */
export const tagWords = `
javascript typescript node postgres react design programming web devops testing career database security cloud
performance python rust golang architecture api frontend backend css html linux docker kubernetes scaling caching
productivity startup opensource tutorial beginners webdev algorithms datascience machinelearning ai mobile android ios
kotlin swift java spring dotnet csharp php laravel ruby rails elixir erlang haskell clojure scala functional oop
refactoring debugging logging monitoring observability graphql rest grpc microservices monolith serverless aws azure
gcp terraform ansible git github ci cd agile scrum leadership management hiring interviews remote writing books
learning math statistics visualization ux accessibility i18n seo marketing product gaming music photography travel
food health fitness finance crypto blockchain hardware embedded iot networking dns http tls privacy ethics history
`
  .trim()
  .split(/\s+/);
