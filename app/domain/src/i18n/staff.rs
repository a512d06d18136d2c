//! The back office's texts, for support staff and creditor admins, in Dutch, German and English;
//! with `staff_code_text` for the codes only the back office produces (others fall back to the
//! portal's `code_text`).
use super::{code_text, Locale};

catalog! {
    enum StaffKey, fn st;
    BackOffice => "Backoffice", "Backoffice", "Back office";
    LoginTitle => "Inloggen medewerkers", "Anmeldung für Mitarbeitende", "Staff login";
    Email => "E-mailadres", "E-Mail-Adresse", "Email address";
    Password => "Wachtwoord", "Passwort", "Password";
    LoginButton => "Inloggen", "Anmelden", "Log in";
    TotpTitle => "Tweede stap", "Zweiter Schritt", "Second step";
    TotpIntro => "Typ de code uit uw authenticator-app, of een van uw herstelcodes.", "Geben Sie den Code aus Ihrer Authenticator-App ein oder einen Ihrer Wiederherstellungscodes.", "Type the code from your authenticator app, or one of your recovery codes.";
    TotpCode => "Code", "Code", "Code";
    Confirm => "Bevestigen", "Bestätigen", "Confirm";
    Logout => "Uitloggen", "Abmelden", "Log out";
    NavHome => "Werkvoorraad", "Arbeitsvorrat", "Work";
    NavDebtors => "Debiteuren", "Schuldner", "Debtors";
    NavCallbacks => "Terugbelverzoeken", "Rückrufe", "Callbacks";
    NavDisputes => "Bezwaren", "Einwände", "Disputes";
    RoleAgent => "Medewerker", "Sachbearbeitung", "Agent";
    RoleAdmin => "Beheerder", "Administration", "Admin";
    RoleOperator => "Platformbeheer", "Plattformbetrieb", "Operator";
    QueueCallbacks => "Open terugbelverzoeken", "Offene Rückrufe", "Open callbacks";
    QueueDisputes => "Open bezwaren", "Offene Einwände", "Open disputes";
    QueueOverdue => "waarvan over de termijn", "davon überfällig", "of which overdue";
    QueueRequests => "Verzoeken buiten beleid", "Anträge außerhalb der Richtlinie", "Requests outside policy";
    QueueUnmatched => "Niet-gematchte betalingen", "Nicht zugeordnete Zahlungen", "Unmatched payments";
    QueueDelivery => "Afleverproblemen", "Zustellprobleme", "Delivery problems";
    Search => "Zoeken", "Suchen", "Search";
    SearchLabel => "Naam, klantnummer, e-mail, telefoon, factuurnummer of betalingskenmerk", "Name, Kundennummer, E-Mail, Telefon, Rechnungsnummer oder Zahlungsreferenz", "Name, customer number, email, phone, invoice number or payment reference";
    NoHits => "Niets gevonden.", "Nichts gefunden.", "Nothing found.";
    CustomerNumber => "Klantnummer", "Kundennummer", "Customer number";
    Name => "Naam", "Name", "Name";
    Phone => "Telefoon", "Telefon", "Phone";
    Address => "Adres", "Adresse", "Address";
    Language => "Taal", "Sprache", "Language";
    Channels => "Kanalen", "Kanäle", "Channels";
    Representative => "Vertegenwoordiger", "Vertretung", "Representative";
    LegalStop => "Juridische stop", "Rechtlicher Stopp", "Legal stop";
    Contact => "Contactgegevens", "Kontaktdaten", "Contact data";
    Invoices => "Facturen", "Rechnungen", "Invoices";
    Invoice => "Factuur", "Rechnung", "Invoice";
    Due => "Vervaldatum", "Fällig", "Due";
    Amount => "Bedrag", "Betrag", "Amount";
    Open => "Open", "Offen", "Open";
    Status => "Status", "Status", "Status";
    Hold => "Aanmaning gestopt", "Mahnstopp", "Dunning held";
    Stage => "Stap", "Mahnstufe", "Stage";
    Actions => "Acties", "Aktionen", "Actions";
    PauseReason => "Reden voor de stop", "Grund für den Mahnstopp", "Reason for the pause";
    Pause => "Aanmaningen stoppen", "Mahnstopp setzen", "Pause dunning";
    Resume => "Aanmaningen hervatten", "Mahnstopp aufheben", "Resume dunning";
    ResendEmail => "Betaallink per e-mail", "Zahlungslink per E-Mail", "Payment link by email";
    ResendSms => "Betaallink per sms", "Zahlungslink per SMS", "Payment link by SMS";
    Notes => "Notities", "Notizen", "Notes";
    NoteLabel => "Nieuwe notitie", "Neue Notiz", "New note";
    NoteButton => "Notitie opslaan", "Notiz speichern", "Save note";
    Timeline => "Tijdlijn", "Verlauf", "Timeline";
    Changes => "Wijzigingen contactgegevens", "Änderungen der Kontaktdaten", "Contact data changes";
    Field => "Veld", "Feld", "Field";
    Before => "Oud", "Alt", "Before";
    After => "Nieuw", "Neu", "After";
    By => "Door", "Von", "By";
    When => "Wanneer", "Wann", "When";
    What => "Wat", "Was", "What";
    Detail => "Details", "Details", "Detail";
    Disputes => "Bezwaren", "Einwände", "Disputes";
    Callbacks => "Terugbelverzoeken", "Rückrufe", "Callbacks";
    Debtor => "Debiteur", "Schuldner", "Debtor";
    Topic => "Onderwerp", "Thema", "Topic";
    Slot => "Tijdvak", "Zeitfenster", "Slot";
    ClaimedBy => "Opgepakt door", "Bearbeitet von", "Claimed by";
    Claim => "Oppakken", "Übernehmen", "Claim";
    Outcome => "Uitkomst", "Ergebnis", "Outcome";
    OutcomeReached => "Bereikt", "Erreicht", "Reached";
    OutcomeNotReached => "Niet bereikt", "Nicht erreicht", "Not reached";
    OutcomePromise => "Betaalbelofte", "Zahlungszusage", "Promise to pay";
    PromisedOn => "Belooft te betalen op", "Zahlung zugesagt bis", "Promised to pay by";
    OutcomeNote => "Toelichting", "Anmerkung", "Note";
    Close => "Afsluiten", "Abschließen", "Close";
    Reschedule => "Verzetten naar", "Verschieben auf", "Move to";
    RescheduleButton => "Verzetten", "Verschieben", "Move";
    NoCallbacks => "Geen open terugbelverzoeken.", "Keine offenen Rückrufe.", "No open callbacks.";
    NoDisputes => "Geen open bezwaren.", "Keine offenen Einwände.", "No open disputes.";
    Reason => "Reden", "Grund", "Reason";
    Raised => "Ingediend", "Eingereicht", "Raised";
    Overdue => "Over de termijn", "Überfällig", "Overdue";
    Decision => "Besluit", "Entscheidung", "Decision";
    DecideAccept => "Toekennen (factuur later corrigeren)", "Stattgeben (Rechnung später korrigieren)", "Accept (correct the invoice later)";
    DecideCancel => "Toekennen en factuur vervallen", "Stattgeben und Rechnung stornieren", "Accept and cancel the invoice";
    DecideCredit => "Toekennen en crediteren", "Stattgeben und gutschreiben", "Accept and credit";
    DecideReject => "Afwijzen", "Ablehnen", "Reject";
    CreditAmount => "Creditbedrag in euro", "Gutschrift in Euro", "Credit in euros";
    Explanation => "Uitleg voor de klant", "Erklärung für die Kundin / den Kunden", "Explanation for the debtor";
    Decide => "Besluit opslaan", "Entscheidung speichern", "Save decision";
    Forbidden => "U heeft hiervoor geen rechten.", "Dafür haben Sie keine Berechtigung.", "You are not allowed to do this.";
    None_ => "geen", "keine", "none";
    NavPayments => "Betalingen", "Zahlungen", "Payments";
    NoUnmatched => "Geen niet-gematchte betalingen.", "Keine nicht zugeordneten Zahlungen.", "No unmatched payments.";
    Received => "Ontvangen", "Eingegangen", "Received";
    Unallocated => "Nog toe te wijzen", "Noch zuzuordnen", "Still to allocate";
    Payer => "Betaler", "Zahler", "Payer";
    ReferenceText => "Omschrijving", "Verwendungszweck", "Reference";
    SuggestedInvoices => "Facturen met dit bedrag", "Rechnungen mit diesem Betrag", "Invoices of this amount";
    AllocateTo => "Factuurnummer", "Rechnungsnummer", "Invoice number";
    AllocateAmount => "Bedrag in euro (leeg: het openstaande bedrag)", "Betrag in Euro (leer: der offene Betrag)", "Amount in euros (empty: the open amount)";
    Allocate => "Toewijzen", "Zuordnen", "Allocate";
    MarkRefund => "Terugbetalen", "Zur Rückzahlung vormerken", "Mark for refund";
    Delivery => "Afleverproblemen", "Zustellprobleme", "Delivery problems";
    NavStatements => "Afschriften", "Kontoauszüge", "Statements";
    NavRequests => "Verzoeken", "Anträge", "Requests";
    NavAudit => "Logboek", "Protokoll", "Audit log";
    NavTemplates => "Teksten", "Textvorlagen", "Templates";
    NavDashboard => "Cijfers", "Kennzahlen", "Dashboard";
    NavStaff => "Medewerkers", "Mitarbeitende", "Staff";
    NavBranding => "Huisstijl", "Erscheinungsbild", "Branding";
    NavPlans => "Aanmaningsplannen", "Mahnpläne", "Dunning plans";
    ContactPolicy => "Contactbeleid", "Kontaktrichtlinie", "Contact policy";
    ForWhom => "Voor wie", "Für wen", "For whom";
    ForWhomIntro => "Plannen worden op volgorde van prioriteit geprobeerd (laag eerst); het standaardplan geldt voor wie nergens anders onder valt. Elke ingevulde regel moet kloppen.", "Pläne werden nach Priorität geprüft (niedrig zuerst); der Standardplan gilt für alle anderen. Jede ausgefüllte Regel muss zutreffen.", "Plans are tried by priority (low first); the default plan is for everyone else. Every rule filled in must match.";
    Priority => "Prioriteit", "Priorität", "Priority";
    Tags => "Met een van deze labels (met komma's)", "Mit einem dieser Labels (mit Kommas)", "With one of these tags (comma-separated)";
    Languages => "Taal (nl, de, en; met komma's)", "Sprache (nl, de, en; mit Kommas)", "Language (nl, de, en; comma-separated)";
    MinOpen => "Openstaand vanaf (euro)", "Offen ab (Euro)", "Open from (euros)";
    MaxOpen => "Openstaand tot (euro)", "Offen bis (Euro)", "Open up to (euros)";
    MinReminded => "Al zoveel facturen eerder aangemaand", "So viele Rechnungen schon gemahnt", "Invoices reminded before, at least";
    WindowOpens => "Berichten vanaf (UU:MM)", "Nachrichten ab (HH:MM)", "Messages from (HH:MM)";
    WindowCloses => "Berichten tot (UU:MM)", "Nachrichten bis (HH:MM)", "Messages until (HH:MM)";
    ClosedWeekdays => "Geen berichten op (mon,tue,…,sun)", "Keine Nachrichten am (mon,tue,…,sun)", "No messages on (mon,tue,…,sun)";
    HolidayRegion => "Feestdagen van (NL, DE of none)", "Feiertage von (NL, DE oder none)", "Public holidays of (NL, DE or none)";
    ExtraClosed => "Extra gesloten dagen (JJJJ-MM-DD, met komma's)", "Weitere geschlossene Tage (JJJJ-MM-TT, mit Kommas)", "Extra closed days (YYYY-MM-DD, comma-separated)";
    LetterDays => "Werkdagen tot een brief er is", "Werktage bis zum Zugang eines Briefs", "Working days until a letter arrives";
    EmailDays => "Dagen tot een e-mail of sms er is", "Tage bis zum Zugang einer E-Mail oder SMS", "Days until an email or SMS arrives";
    EmailCap => "Hoogstens e-mails per dag", "Höchstens E-Mails pro Tag", "At most emails a day";
    SmsCap => "Hoogstens sms'jes per dag", "Höchstens SMS pro Tag", "At most SMS a day";
    LetterCap => "Hoogstens brieven per dag", "Höchstens Briefe pro Tag", "At most letters a day";
    SendTime => "Verzendtijd afstemmen op de klant", "Versandzeit auf die Kundschaft abstimmen", "Optimise the send time per debtor";
    ClickTracking => "Kliks tellen (met toestemming)", "Klicks zählen (mit Einwilligung)", "Count clicks (with consent)";
    TrackingRetention => "Openen en klikken bewaren (dagen, 30 tot 730)", "Öffnungen und Klicks aufbewahren (Tage, 30 bis 730)", "Keep opens and clicks (days, 30 to 730)";
    ClosedRetention => "Contactgegevens van afgesloten debiteuren bewaren (dagen, 30 tot 3650; facturen blijven de wettelijke termijn)", "Kontaktdaten abgeschlossener Schuldner aufbewahren (Tage, 30 bis 3650; Rechnungen bleiben die gesetzliche Frist)", "Keep contact data of closed debtors (days, 30 to 3650; invoices stay for the legal period)";
    Learning => "Leren welk tijdstip werkt (per segment; de wettelijke stappen, termijnen en contactregels blijven vast)", "Lernen, welche Tageszeit wirkt (je Segment; die gesetzlichen Stufen, Fristen und Kontaktregeln bleiben fest)", "Learn which time of day works (per segment; the legal steps, terms and contact rules stay fixed)";
    HoldoutPercent => "Vaste groep zonder leren, om het effect te meten (procent van de debiteuren, 0 tot 50)", "Feste Gruppe ohne Lernen, um die Wirkung zu messen (Prozent der Schuldner, 0 bis 50)", "Fixed group without learning, to measure the effect (percent of debtors, 0 to 50)";
    OpenTracking => "Openen tellen (met toestemming)", "Öffnungen zählen (mit Einwilligung)", "Count opens (with consent)";
    PlansIntro => "Elke stap: dagen na de vervaldatum (negatief: ervoor), soort, kanalen (email, sms, letter, voice; + voor erbij, > voor anders), kosten (none, bik, fixed:750) en wettelijke rente (none, nl, de).", "Jede Stufe: Tage nach Fälligkeit (negativ: davor), Art, Kanäle (email, sms, letter, voice; + für zusätzlich, > für ersatzweise), Gebühr (none, bik, fixed:750) und Verzugszinsen (none, nl, de).", "Each step: days after the due date (negative: before), kind, channels (email, sms, letter, voice; + for as well, > for else), fee (none, bik, fixed:750) and statutory interest (none, nl, de).";
    Segment => "Segment", "Segment", "Segment";
    Default => "standaard", "Standard", "default";
    Steps => "Stappen", "Stufen", "Steps";
    StepName => "Naam", "Name", "Name";
    OffsetDays => "Dagen", "Tage", "Days";
    Kind => "Soort", "Art", "Kind";
    Fee => "Kosten", "Gebühr", "Fee";
    Interest => "Rente", "Zinsen", "Interest";
    InUse => "verstuurd", "versendet", "sent";
    SaveSteps => "Stappen opslaan", "Stufen speichern", "Save the steps";
    Simulator => "Simulator", "Simulator", "Simulator";
    SimulatorIntro => "Wat dit plan zou versturen als de klant niet betaalt, vanaf vandaag.", "Was dieser Plan versenden würde, wenn nicht bezahlt wird, ab heute.", "What this plan would send if the debtor does not pay, from today.";
    Simulate => "Simuleren", "Simulieren", "Simulate";
    NothingWouldGo => "Er zou niets meer verstuurd worden.", "Es würde nichts mehr versendet.", "Nothing more would be sent.";
    DisplayName => "Naam in het portaal", "Name im Portal", "Name in the portal";
    Primary => "Hoofdkleur (#RRGGBB)", "Hauptfarbe (#RRGGBB)", "Main colour (#RRGGBB)";
    Accent => "Accentkleur (#RRGGBB)", "Akzentfarbe (#RRGGBB)", "Accent colour (#RRGGBB)";
    SenderAddress => "Afzenderadres op brieven (één regel)", "Absenderadresse auf Briefen (eine Zeile)", "Sender address on letters (one line)";
    SenderName => "Afzendernaam van e-mails", "Absendername der E-Mails", "Sender name of emails";
    LetterPreview => "Bekijk de brief als PDF", "Brief als PDF ansehen", "View the letter as PDF";
    NavApiKeys => "API-sleutels", "API-Schlüssel", "API keys";
    ApiKeysIntro => "Sleutels waarmee uw eigen systemen Settle via de REST-API gebruiken (/api/v1). Een sleutel wordt één keer getoond en daarna alleen als hash bewaard.", "Schlüssel, mit denen Ihre eigenen Systeme Settle über die REST-API nutzen (/api/v1). Ein Schlüssel wird einmal angezeigt und danach nur als Hash gespeichert.", "Keys your own systems use Settle's REST API with (/api/v1). A key is shown once and then kept only as a hash.";
    NewApiKey => "Nieuwe sleutel", "Neuer Schlüssel", "New key";
    KeyName => "Naam (waarvoor)", "Name (wofür)", "Name (what for)";
    KeyScope => "Rechten", "Rechte", "Rights";
    ScopeRead => "Alleen lezen", "Nur lesen", "Read only";
    ScopeWrite => "Lezen en schrijven", "Lesen und schreiben", "Read and write";
    KeyOnceTitle => "Uw nieuwe sleutel", "Ihr neuer Schlüssel", "Your new key";
    KeyOnceIntro => "Kopieer hem nu naar uw systeem: hij wordt niet nog eens getoond.", "Kopieren Sie ihn jetzt in Ihr System: er wird nicht noch einmal angezeigt.", "Copy it into your system now: it is not shown again.";
    KeyPrefix => "Begint met", "Beginnt mit", "Starts with";
    LastUsed => "Laatst gebruikt", "Zuletzt benutzt", "Last used";
    CreatedBy => "Gemaakt door", "Erstellt von", "Created by";
    Revoke => "Intrekken", "Widerrufen", "Revoke";
    NavWebhooks => "Webhooks", "Webhooks", "Webhooks";
    WebhooksIntro => "Adressen van uw systemen die Settle direct vertelt wat er gebeurt (betaald, bezwaar, contactgegevens ...). Elk bericht is ondertekend met HMAC-SHA256 in de header Settle-Signature; mislukte berichten worden tot 3 dagen opnieuw verstuurd.", "Adressen Ihrer Systeme, denen Settle sofort mitteilt, was geschieht (bezahlt, Einwand, Kontaktdaten ...). Jede Nachricht ist mit HMAC-SHA256 im Header Settle-Signature signiert; fehlgeschlagene Nachrichten werden bis zu 3 Tage erneut gesendet.", "Addresses of your systems that Settle tells at once what happens (paid, dispute, contact data ...). Each message is signed with HMAC-SHA256 in the Settle-Signature header; failed messages are sent again for up to 3 days.";
    NoWebhooks => "Nog geen webhooks.", "Noch keine Webhooks.", "No webhooks yet.";
    NewWebhook => "Nieuwe webhook", "Neuer Webhook", "New webhook";
    WebhookUrl => "Adres (https)", "Adresse (https)", "Address (https)";
    WebhookEvents => "Gebeurtenissen", "Ereignisse", "Events";
    AllEvents => "Alle gebeurtenissen, ook toekomstige", "Alle Ereignisse, auch künftige", "All events, future ones too";
    SecretOnceTitle => "Uw ondertekeningsgeheim", "Ihr Signaturgeheimnis", "Your signing secret";
    SecretOnceIntro => "Kopieer het nu naar uw systeem: het wordt niet nog eens getoond. Na een nieuw geheim ondertekent het vorige nog mee tot de volgende wissel.", "Kopieren Sie es jetzt in Ihr System: es wird nicht noch einmal angezeigt. Nach einem neuen Geheimnis signiert das vorige noch mit bis zum nächsten Wechsel.", "Copy it into your system now: it is not shown again. After a new secret, the previous one keeps signing beside it until the next change.";
    RotateSecret => "Nieuw geheim", "Neues Geheimnis", "New secret";
    RemoveWebhook => "Verwijderen", "Entfernen", "Remove";
    DeliveryLog => "Verzonden berichten", "Gesendete Nachrichten", "Deliveries";
    EventType => "Gebeurtenis", "Ereignis", "Event";
    Attempts => "Pogingen", "Versuche", "Attempts";
    LastAnswer => "Laatste antwoord", "Letzte Antwort", "Last answer";
    NextAttempt => "Volgende poging", "Nächster Versuch", "Next attempt";
    Redeliver => "Opnieuw versturen", "Erneut senden", "Send again";
    DeliveryPending => "Wacht", "Wartet", "Waiting";
    DeliveryDelivered => "Afgeleverd", "Zugestellt", "Delivered";
    DeliveryFailed => "Opgegeven", "Aufgegeben", "Given up";
    NoDeliveries => "Nog niets verstuurd.", "Noch nichts gesendet.", "Nothing sent yet.";
    AllWebhooks => "Alle webhooks", "Alle Webhooks", "All webhooks";
    Revoked => "Ingetrokken", "Widerrufen", "Revoked";
    NoApiKeys => "Nog geen sleutels.", "Noch keine Schlüssel.", "No keys yet.";
    NavTenants => "Klanten van het platform", "Mandanten", "Tenants";
    Hosts => "Hostnamen (komma's ertussen; leeg: die van het basisadres)", "Hostnamen (durch Kommas getrennt; leer: der der Basisadresse)", "Hostnames (comma-separated; blank: the base URL's)";
    Debtors => "Debiteuren", "Schuldner", "Debtors";
    OpenInvoices => "Open facturen", "Offene Rechnungen", "Open invoices";
    NewTenant => "Nieuwe klant van het platform", "Neuer Mandant", "New tenant";
    Slug => "Korte naam (a-z, 0-9, -)", "Kurzname (a-z, 0-9, -)", "Slug (a-z, 0-9, -)";
    BaseUrl => "Basisadres van het portaal (https://…)", "Basisadresse des Portals (https://…)", "Portal base URL (https://…)";
    CountryOfLaw => "Land (recht, feestdagen, eerste aanmaanplan)", "Land (Recht, Feiertage, erster Mahnplan)", "Country (law, holidays, first dunning plan)";
    LegalName => "Juridische naam (begunstigde)", "Rechtlicher Name (Zahlungsempfänger)", "Legal name (beneficiary)";
    Iban => "IBAN", "IBAN", "IBAN";
    Bic => "BIC (mag leeg)", "BIC (optional)", "BIC (optional)";
    FirstAdmin => "Eerste beheerder", "Erste Administratorin / erster Administrator", "First admin";
    CreateTenant => "Aanmaken", "Anlegen", "Create";
    NavProviders => "Koppelingen", "Anbieter", "Providers";
    ProvidersIntro => "Via welke diensten herinneringen en betalingen lopen. Sleutels en wachtwoorden worden versleuteld bewaard en niet meer getoond; laat een veld leeg om het bewaarde te houden.", "Über welche Dienste Erinnerungen und Zahlungen laufen. Schlüssel und Passwörter werden verschlüsselt gespeichert und nicht wieder angezeigt; lassen Sie ein Feld leer, um das Gespeicherte zu behalten.", "Which services reminders and payments go through. Keys and passwords are stored encrypted and never shown again; leave a field blank to keep what is stored.";
    CurrentlySet => "Nu ingesteld:", "Derzeit eingestellt:", "Currently set:";
    NotSet => "Niet ingesteld", "Nicht eingerichtet", "Not set";
    MailPlatformDefault => "Niet ingesteld: e-mail gaat uit met het afzenderadres van het platform.", "Nicht eingerichtet: E-Mails gehen mit der Absenderadresse der Plattform hinaus.", "Not set: mail goes out with the platform's sender address.";
    MailIdentity => "Afzender van e-mail", "E-Mail-Absender", "Mail identity";
    MailFrom => "Afzender (Naam <adres@domein>)", "Absender (Name <adresse@domain>)", "From (Name <address@domain>)";
    MailReplyTo => "Antwoordadres", "Antwortadresse", "Reply-To";
    DkimKey => "DKIM-sleutel", "DKIM-Schlüssel", "DKIM key";
    DkimKeep => "Huidige sleutel houden", "Aktuellen Schlüssel behalten", "Keep the current key";
    DkimNewRsa => "Nieuwe RSA-sleutel (2048 bit)", "Neuer RSA-Schlüssel (2048 Bit)", "New RSA key (2048 bits)";
    DkimNewEd25519 => "Nieuwe Ed25519-sleutel", "Neuer Ed25519-Schlüssel", "New Ed25519 key";
    DkimNone => "Niet ondertekenen", "Nicht signieren", "Do not sign";
    DkimSelector => "DKIM-selector", "DKIM-Selektor", "DKIM selector";
    DkimHint => "Een nieuwe sleutel ondertekent meteen; publiceer het nieuwe DNS-record direct (tot dan faalt DKIM, SPF blijft werken). Kies voor een wissel een nieuwe selector.", "Ein neuer Schlüssel signiert sofort; veröffentlichen Sie den neuen DNS-Eintrag umgehend (bis dahin schlägt DKIM fehl, SPF greift weiter). Wählen Sie für einen Wechsel einen neuen Selektor.", "A new key signs at once; publish its DNS record straight away (DKIM fails until then, SPF still works). Use a new selector for a rotation.";
    SmsProvider => "SMS-dienst", "SMS-Anbieter", "SMS provider";
    Provider => "Dienst", "Anbieter", "Provider";
    CredentialsHint => "Vul de gegevens van de gekozen dienst in; ze worden gecontroleerd en versleuteld bewaard.", "Füllen Sie die Daten des gewählten Anbieters aus; sie werden geprüft und verschlüsselt gespeichert.", "Fill in the chosen provider's details; they are checked and stored encrypted.";
    AccountSid => "Account SID", "Account SID", "Account SID";
    AuthToken => "Auth token", "Auth-Token", "Auth token";
    AccessKey => "Access key", "Access Key", "Access key";
    SmsFrom => "Afzender (nummer of naam)", "Absender (Nummer oder Name)", "Sender (number or name)";
    PaymentProvider => "Betaaldienst", "Zahlungsanbieter", "Payment provider";
    SandboxProvider => "Sandbox (test, zonder geld)", "Sandbox (Test, ohne Geld)", "Sandbox (test, no money)";
    ApiKey => "API-sleutel", "API-Schlüssel", "API key";
    WebhookSecret => "Webhook-geheim (Stripe)", "Webhook-Geheimnis (Stripe)", "Webhook secret (Stripe)";
    PreviousWebhookSecret => "Vorig webhook-geheim (tijdens een wissel)", "Vorheriges Webhook-Geheimnis (während eines Wechsels)", "Previous webhook secret (during a rotation)";
    AllowPartial => "Klanten mogen een deel betalen", "Teilzahlungen erlauben", "Debtors may pay part of an invoice";
    MinPartial => "Kleinste deelbetaling", "Kleinste Teilzahlung", "Smallest part payment";
    PrintProvider => "Drukkerij voor brieven", "Druckdienstleister für Briefe", "Print provider for letters";
    PrintSpool => "Brieven gaan naar de afdrukmap op de server.", "Briefe gehen in den Druckordner auf dem Server.", "Letters go to the print folder on the server.";
    PrintUrl => "Adres van de drukkerij (https://…; leeg: afdrukmap)", "Adresse des Druckdienstleisters (https://…; leer: Druckordner)", "Print provider endpoint (https://…; blank: print folder)";
    PrintToken => "Toegangstoken", "Zugangstoken", "Access token";
    DnsPurpose => "Doel", "Zweck", "Purpose";
    DnsName => "Naam", "Name", "Name";
    DnsValue => "Waarde", "Wert", "Value";
    DnsStatus => "Nu in DNS", "Jetzt im DNS", "In DNS now";
    DnsOk => "✓ Gepubliceerd", "✓ Veröffentlicht", "✓ Published";
    DnsWrong => "✗ Gepubliceerd, maar niet juist", "✗ Veröffentlicht, aber nicht richtig", "✗ Published, but not right";
    DnsMissing => "✗ Nog niet gevonden", "✗ Noch nicht gefunden", "✗ Not found yet";
    DnsUnchecked => "DNS gaf geen antwoord; controleer later opnieuw", "DNS hat nicht geantwortet; später erneut prüfen", "DNS did not answer; check again later";
    DnsFound => "Gevonden", "Gefunden", "Found";
    StatusBounced => "Onbestelbaar (bounce)", "Unzustellbar (Bounce)", "Bounced";
    StatusReturned => "Brief retour", "Brief zurück", "Letter returned";
    StatusFailed => "Mislukt", "Fehlgeschlagen", "Failed";
    AddressInvalid => "Brief onbestelbaar retour sinds", "Brief unzustellbar zurück seit", "Letter returned undelivered since";
    AddressInvalidHint => "Er gaan geen brieven naar dit adres tot het gecorrigeerd is; herinneringen gaan via het volgende kanaal.", "An diese Adresse gehen keine Briefe, bis sie korrigiert ist; Erinnerungen gehen über den nächsten Kanal.", "No letters go to this address until it is corrected; reminders use the next channel.";
    LetterReturned => "Brief retour ontvangen", "Brief zurückerhalten", "Letter came back";
    WhichLetter => "Welke brief (verzonden op)", "Welcher Brief (versandt am)", "Which letter (sent on)";
    ReturnReason => "Reden van de post", "Grund der Post", "Reason given by the post";
    ReturnMoved => "Verhuisd", "Verzogen", "Moved";
    ReturnUnknown => "Adres onbekend", "Empfänger/Adresse unbekannt", "Address unknown";
    ReturnRefused => "Geweigerd", "Annahme verweigert", "Refused";
    ReturnOther => "Anders", "Sonstiges", "Other";
    RegisterReturn => "Retour vastleggen", "Rücklauf erfassen", "Register return";
    Logo => "Logo", "Logo", "Logo";
    CurrentLogo => "Huidig logo", "Aktuelles Logo", "Current logo";
    LogoFile => "Nieuw logo (PNG of SVG)", "Neues Logo (PNG oder SVG)", "New logo (PNG or SVG)";
    LogoHint => "Hoogstens 1 MB. Een SVG wordt omgezet naar PNG voor portaal en e-mail; brieven drukken de SVG zelf scherp af.", "Höchstens 1 MB. Eine SVG wird für Portal und E-Mail in PNG umgewandelt; Briefe drucken die SVG selbst gestochen scharf.", "1 MB at most. An SVG is converted to PNG for the portal and email; letters print the SVG itself, sharp.";
    ContrastOnWhite => "Contrast op wit", "Kontrast auf Weiß", "Contrast on white";
    SupportPhone => "Telefoonnummer klantenservice", "Telefonnummer Kundenservice", "Support phone";
    SupportEmail => "E-mailadres klantenservice", "E-Mail-Adresse Kundenservice", "Support email";
    SupportHours => "Bereikbaar", "Erreichbar", "Support hours";
    LegalFooter => "Juridische voettekst", "Rechtlicher Fußtext", "Legal footer";
    DnsRecords => "DNS-records voor uw e-mail", "DNS-Einträge für Ihre E-Mail", "DNS records for your mail";
    DnsIntro => "Publiceer deze records bij uw domein, zodat e-mail van Settle aankomt en niet te vervalsen is.", "Veröffentlichen Sie diese Einträge in Ihrer Domain, damit E-Mails von Settle ankommen und nicht gefälscht werden können.", "Publish these records for your domain so mail from Settle arrives and cannot be spoofed.";
    NoMailIdentity => "Nog geen eigen afzender ingesteld; dat kan onder Koppelingen.", "Noch kein eigener Absender eingerichtet; das geht unter Anbieter.", "No sender of your own yet; set one under Providers.";
    SetRepresentative => "Vertegenwoordiger instellen", "Vertretung festlegen", "Set a representative";
    RepKind => "Soort", "Art", "Kind";
    RepInstead => "Berichten alleen aan de vertegenwoordiger (anders aan beiden)", "Nachrichten nur an die Vertretung (sonst an beide)", "Messages to the representative only (else to both)";
    RemoveRepresentative => "Vertegenwoordiger verwijderen", "Vertretung entfernen", "Remove the representative";
    Role => "Rol", "Rolle", "Role";
    SecondFactor => "Tweede stap", "Zweiter Schritt", "Second factor";
    LastLogin => "Laatst ingelogd", "Zuletzt angemeldet", "Last login";
    Disabled => "Uitgeschakeld", "Deaktiviert", "Disabled";
    Yes => "ja", "ja", "yes";
    No => "nee", "nein", "no";
    Disable => "Uitschakelen", "Deaktivieren", "Disable";
    Enable => "Weer inschakelen", "Wieder aktivieren", "Enable";
    NewSecondFactor => "Nieuwe tweede stap", "Neuer zweiter Schritt", "New second factor";
    AddStaff => "Medewerker toevoegen", "Mitarbeitende hinzufügen", "Add a staff member";
    InitialPassword => "Eerste wachtwoord (minstens 8 tekens)", "Erstes Passwort (mindestens 8 Zeichen)", "First password (at least 8 characters)";
    WithSecondFactor => "Met tweede stap (voor beheerders altijd)", "Mit zweitem Schritt (für Administration immer)", "With a second factor (always for admins)";
    Add => "Toevoegen", "Hinzufügen", "Add";
    OnceTitle => "Eenmalig: de tweede stap instellen", "Einmalig: den zweiten Schritt einrichten", "Once only: set up the second factor";
    OnceIntro => "Scan de code met een authenticator-app of typ de sleutel in, en bewaar de herstelcodes. Deze gegevens worden niet nog eens getoond.", "Scannen Sie den Code mit einer Authenticator-App oder geben Sie den Schlüssel ein, und bewahren Sie die Wiederherstellungscodes auf. Diese Angaben werden nicht noch einmal angezeigt.", "Scan the code with an authenticator app or type the key, and keep the recovery codes. They are not shown again.";
    Key => "Sleutel", "Schlüssel", "Key";
    RecoveryCodes => "Herstelcodes", "Wiederherstellungscodes", "Recovery codes";
    From => "Van", "Von", "From";
    To => "Tot en met", "Bis einschließlich", "To";
    WindowDays => "Betaald binnen (dagen)", "Bezahlt innerhalb (Tage)", "Paid within (days)";
    OpenNow => "Openstaand", "Offen", "Open";
    OverdueNow => "Achterstallig", "Überfällig", "Overdue";
    Invoiced => "Gefactureerd in deze periode", "In diesem Zeitraum berechnet", "Invoiced in the range";
    Dso => "DSO (dagen)", "DSO (Tage)", "DSO (days)";
    Collected => "Ontvangen per betaalwijze", "Eingegangen nach Zahlungsweg", "Collected per way of paying";
    Conversion => "Welk bericht werkte: betaald of regeling na het laatste bericht", "Welche Nachricht wirkte: bezahlt oder Ratenplan nach der letzten Nachricht", "Which message worked: paid or plan agreed after the last message";
    Sent => "Verstuurd", "Versendet", "Sent";
    PaidAfter => "Daarna betaald of regeling", "Danach bezahlt oder Ratenplan", "Then paid or plan agreed";
    ByBand => "Per tijdstip van verzenden", "Nach Versandzeit", "By time of sending";
    BandMorning => "Ochtend (6-12 uur)", "Morgens (6-12 Uhr)", "Morning (6-12)";
    BandAfternoon => "Middag (12-17 uur)", "Nachmittags (12-17 Uhr)", "Afternoon (12-17)";
    BandEvening => "Avond (17-22 uur)", "Abends (17-22 Uhr)", "Evening (17-22)";
    BandNight => "Nacht (22-6 uur)", "Nachts (22-6 Uhr)", "Night (22-6)";
    Rate => "Percentage", "Quote", "Rate";
    CallbackSla => "Terugbelverzoeken: alle, afgerond, geannuleerd, nooit afgesloten", "Rückrufe: alle, erledigt, storniert, nie abgeschlossen", "Callbacks: all, done, cancelled, never closed";
    DisputeSla => "Bezwaren: alle, op tijd besloten, te laat besloten, open over de termijn", "Einwände: alle, rechtzeitig entschieden, verspätet entschieden, offen über der Frist", "Disputes: all, decided in time, decided late, open past the SLA";
    DownloadCsv => "Download als CSV", "Als CSV herunterladen", "Download as CSV";
    HowOnline => "Online", "Online", "Online";
    HowPlan => "Betalingsregeling", "Ratenzahlung", "Payment plan";
    HowTransfer => "Overboeking", "Überweisung", "Bank transfer";
    HowStaff => "Door medewerker", "Durch Mitarbeitende", "By staff";
    HowApi => "Via de API", "Über die API", "Through the API";
    TemplatesIntro => "Elke stap heeft per kanaal en taal een tekst. Zonder eigen versie gebruikt Settle de meegeleverde tekst. Een gewone herinnering kan een tweede tekst (variant B) krijgen, bijvoorbeeld vriendelijker of formeler: met leren aan probeert Settle beide en kiest steeds vaker de tekst waarna meer mensen betalen.", "Jede Stufe hat je Kanal und Sprache einen Text. Ohne eigene Fassung verwendet Settle den mitgelieferten Text. Eine einfache Zahlungserinnerung kann einen zweiten Text (Variante B) bekommen, etwa freundlicher oder förmlicher: mit eingeschaltetem Lernen probiert Settle beide und wählt immer öfter den Text, nach dem mehr Menschen zahlen.", "Each step has a text per channel and language. Without a version of your own, Settle uses the shipped text. A plain reminder may get a second text (variant B), say friendlier or more formal: with learning on, Settle tries both and picks more and more often the one after which more people pay.";
    Version => "Versie", "Version", "Version";
    Shipped => "Meegeleverde tekst", "Mitgelieferter Text", "Shipped text";
    Subject => "Onderwerp", "Betreff", "Subject";
    Body => "Tekst", "Text", "Text";
    Preview => "Voorbeeld", "Vorschau", "Preview";
    SendTest => "Stuur een test naar mij", "Test an mich senden", "Send a test to me";
    Variables => "Beschikbare variabelen", "Verfügbare Variablen", "Available variables";
    Segments => "Sms-delen", "SMS-Teile", "SMS segments";
    Versions => "Versies", "Versionen", "Versions";
    Active => "in gebruik", "aktiv", "active";
    Diff => "Verschil", "Unterschied", "Diff";
    Rollback => "Terugzetten", "Wiederherstellen", "Roll back";
    ResetShipped => "Terug naar de meegeleverde tekst", "Zurück zum mitgelieferten Text", "Back to the shipped text";
    DraftNotSaved => "Dit is een concept; het is nog niet opgeslagen.", "Dies ist ein Entwurf; er ist noch nicht gespeichert.", "This is a draft; it is not saved yet.";
    Correct => "Contactgegevens corrigeren", "Kontaktdaten korrigieren", "Correct contact data";
    EraseHeading => "Gegevens wissen op verzoek", "Daten auf Antrag löschen", "Erase data on request";
    EraseIntro => "Op verzoek van de klant (AVG artikel 17) worden e-mailadres, telefoonnummer, portaalaccount, berichtteksten en notities bij terugbelverzoeken nu gewist. Naam, adres, facturen en betalingen blijven tot de wettelijke bewaartermijn voorbij is. Kan alleen als er niets meer openstaat.", "Auf Antrag der Kundin oder des Kunden (DSGVO Artikel 17) werden E-Mail-Adresse, Telefonnummer, Portalkonto, Nachrichtentexte und Rückrufnotizen jetzt gelöscht. Name, Anschrift, Rechnungen und Zahlungen bleiben bis zum Ende der gesetzlichen Aufbewahrungsfrist. Nur möglich, wenn nichts mehr offen ist.", "At the debtor's request (GDPR article 17), their email address, phone number, portal account, message texts and callback notes are erased now. Name, address, invoices and payments stay until the legal retention period ends. Only possible when nothing is open.";
    EraseConfirm => "Ik heb het verzoek en de identiteit van de aanvrager gecontroleerd", "Ich habe den Antrag und die Identität der antragstellenden Person geprüft", "I have checked the request and the requester's identity";
    EraseButton => "Contactgegevens nu wissen", "Kontaktdaten jetzt löschen", "Erase contact data now";
    ErasedOn => "Contactgegevens gewist op", "Kontaktdaten gelöscht am", "Contact data erased on";
    Street => "Straat en huisnummer", "Straße und Hausnummer", "Street and number";
    Postcode => "Postcode", "Postleitzahl", "Postcode";
    City => "Plaats", "Ort", "City";
    Country => "Land (ISO-code)", "Land (ISO-Code)", "Country (ISO code)";
    Save => "Opslaan", "Speichern", "Save";
    StopDebtRestructuring => "Schuldsanering (WSNP)", "Restschuldbefreiung", "Debt restructuring";
    StopInsolvency => "Faillissement", "Insolvenz", "Insolvency";
    StopDebtCounselling => "Schuldhulpverlening", "Schuldnerberatung", "Debt counselling";
    StopDeceased => "Overleden", "Verstorben", "Deceased";
    AuditWho => "Wie", "Wer", "Who";
    AuditAll => "Iedereen", "Alle", "Everyone";
    AuditStaff => "Medewerkers", "Mitarbeitende", "Staff";
    AuditDebtors => "Klanten", "Kundschaft", "Debtors";
    AuditSystem => "Systeem", "System", "System";
    Show => "Tonen", "Anzeigen", "Show";
    Older => "Oudere", "Ältere", "Older";
    NavDelivery => "Aflevering", "Zustellung", "Delivery";
    NoRequests => "Geen open verzoeken.", "Keine offenen Anträge.", "No open requests.";
    NoDelivery => "Geen afleverproblemen.", "Keine Zustellprobleme.", "No delivery problems.";
    RequestPlan => "Betalingsregeling", "Ratenzahlung", "Payment plan";
    RequestDeferral => "Later betalen", "Später zahlen", "Pay later";
    AskedInstalments => "Termijnen gevraagd", "Gewünschte Raten", "Instalments asked";
    AskedFirst => "Eerste termijn gevraagd", "Erste Rate gewünscht", "First instalment asked";
    AskedUntil => "Gevraagde betaaldatum", "Gewünschtes Zahlungsdatum", "Date asked";
    OutsideBecause => "Buiten beleid omdat", "Außerhalb der Richtlinie, weil", "Outside the policy because";
    DecideApprove => "Goedkeuren zoals gevraagd", "Wie beantragt genehmigen", "Approve as asked";
    DecideCounter => "Goedkeuren met een ander voorstel", "Mit anderem Vorschlag genehmigen", "Approve with another proposal";
    CounterInstalments => "Aantal termijnen (tegenvoorstel)", "Anzahl der Raten (Gegenvorschlag)", "Instalments (counter-proposal)";
    CounterFirst => "Eerste termijn op (tegenvoorstel)", "Erste Rate am (Gegenvorschlag)", "First instalment on (counter-proposal)";
    CounterUntil => "Betaaldatum (tegenvoorstel)", "Zahlungsdatum (Gegenvorschlag)", "Payment date (counter-proposal)";
    Channel => "Kanaal", "Kanal", "Channel";
    Recipient => "Ontvanger", "Empfänger", "Recipient";
    Error => "Fout", "Fehler", "Error";
    StatementIntro => "Lees een bankafschrift in (camt.053, camt.054 of MT940). Betalingen met een bekend kenmerk worden meteen geboekt; de rest komt bij de niet-gematchte betalingen.", "Laden Sie einen Kontoauszug hoch (camt.053, camt.054 oder MT940). Zahlungen mit bekannter Referenz werden sofort gebucht; der Rest landet bei den nicht zugeordneten Zahlungen.", "Upload a bank statement (camt.053, camt.054 or MT940). Payments with a known reference are booked at once; the rest goes to the unmatched payments.";
    StatementFile => "Afschrift", "Kontoauszug", "Statement file";
    Upload => "Inlezen", "Hochladen", "Upload";
    ResultEntries => "Posten", "Buchungen", "Entries";
    ResultNew => "Nieuw", "Neu", "New";
    ResultMatched => "Gematcht", "Zugeordnet", "Matched";
    ResultPartly => "Deels betaald", "Teilweise bezahlt", "Partly paid";
    ResultOverpaid => "Te veel betaald", "Überzahlt", "Overpaid";
    ResultUnmatched => "Niet gematcht", "Nicht zugeordnet", "Unmatched";
    ResultDuplicates => "Al eerder ingelezen", "Bereits eingelesen", "Already imported";
    HoldPaused => "Gestopt door medewerker", "Mahnstopp durch Mitarbeitende", "Paused by staff";
    HoldDisputed => "Bezwaar loopt", "Einwand offen", "Disputed";
    HoldPlan => "Betalingsregeling", "Ratenzahlung", "Payment plan";
    HoldCallback => "Terugbelverzoek", "Rückruf", "Callback";
    HoldHandedOver => "Overgedragen", "Abgegeben", "Handed over";
    LiftHeading => "Leren: effect tegenover de vaste groep", "Lernen: Wirkung gegenüber der festen Gruppe", "Learning: effect against the fixed group";
    LiftLearner => "Lerend (debiteuren, betaald of regeling)", "Lernend (Schuldner, bezahlt oder Ratenplan)", "Learning (debtors, paid or a plan)";
    LiftHoldout => "Vaste groep (debiteuren, betaald of regeling)", "Feste Gruppe (Schuldner, bezahlt oder Ratenplan)", "Fixed group (debtors, paid or a plan)";
    LiftPoints => "Verschil in procentpunten (95 %-betrouwbaarheidsinterval)", "Unterschied in Prozentpunkten (95-%-Konfidenzintervall)", "Difference in percentage points (95 % confidence interval)";
    LiftNone => "Nog geen vergelijking: in deze periode zijn niet zowel lerende als vaste debiteuren aangemaand.", "Noch kein Vergleich: in diesem Zeitraum wurden nicht sowohl lernende als auch feste Schuldner gemahnt.", "No comparison yet: this period did not remind debtors of both groups.";
    KindChoice => "Keuze", "Auswahl", "Choice";
    CohortLearner => "lerend", "lernend", "learning";
    CohortHoldout => "vaste groep: het plan zonder leren, om het effect te meten", "feste Gruppe: der Plan ohne Lernen, um die Wirkung zu messen", "fixed group: the plan without learning, to measure the effect";
    ChoiceSentIn => "Gekozen tijdstip", "Gewählte Tageszeit", "Time of day chosen";
    ChoicePaidWithin => "Betaald of regeling binnen", "Bezahlt oder Ratenplan binnen", "Paid or a plan within";
    ChoiceDays => "dagen", "Tagen", "days";
    ChoiceOf => "van", "von", "of";
    ChoiceUntried => "nog niet geprobeerd", "noch nicht versucht", "not tried yet";
    ChoicePlan => "Plan", "Plan", "Plan";
    Variant => "variant", "Variante", "variant";
    ByVariant => "Per tekstvariant (door het leren gekozen)", "Nach Textvariante (vom Lernen gewählt)", "By wording variant (chosen by learning)";
    ChoiceVariant => "Gekozen tekst", "Gewählter Text", "Wording chosen";
    KindMessage => "Bericht", "Nachricht", "Message";
    KindEvent => "Gebeurtenis", "Ereignis", "Event";
    KindPayment => "Betaling", "Zahlung", "Payment";
    KindAudit => "Actie", "Aktion", "Action";
    KindNote => "Notitie", "Notiz", "Note";
}

/// A dunning hold as staff read it.
pub fn hold_text(l: Locale, hold: &str) -> &'static str {
    match hold {
        "paused" => st(l, StaffKey::HoldPaused),
        "disputed" => st(l, StaffKey::HoldDisputed),
        "payment_plan" => st(l, StaffKey::HoldPlan),
        "callback" => st(l, StaffKey::HoldCallback),
        "handed_over" => st(l, StaffKey::HoldHandedOver),
        _ => st(l, StaffKey::Hold),
    }
}

/// A timeline entry's kind as staff read it.
pub fn kind_text(l: Locale, kind: &str) -> &'static str {
    match kind {
        "message" => st(l, StaffKey::KindMessage),
        "choice" => st(l, StaffKey::KindChoice),
        "message_event" => st(l, StaffKey::KindEvent),
        "payment" => st(l, StaffKey::KindPayment),
        "note" => st(l, StaffKey::KindNote),
        _ => st(l, StaffKey::KindAudit),
    }
}

/// A part of the day (`settle_domain::dunning::outcomes::BANDS`) in words.
pub fn band_text(l: Locale, band: &str) -> &'static str {
    match band {
        "morning" => st(l, StaffKey::BandMorning),
        "afternoon" => st(l, StaffKey::BandAfternoon),
        "evening" => st(l, StaffKey::BandEvening),
        _ => st(l, StaffKey::BandNight),
    }
}

/// Why the learner sent a reminder when and how it did: "Time of day chosen: Evening (17-22) ·
/// Plan: Standard · Paid or a plan within 7 days: Morning (6-12) 17 % (of 98); Evening (17-22)
/// 23 % (of 120) · Wording chosen: B · A 17 % (of 98); B 23 % (of 120)".
pub fn choice_text(l: Locale, c: &crate::backoffice::LearnedChoice) -> String {
    let rates = |arms: &[(String, u64, u64)], name: &dyn Fn(&str) -> String| -> String {
        arms.iter()
            .map(|(arm, won, sent)| match *sent {
                0 => format!("{} {}", name(arm), st(l, StaffKey::ChoiceUntried)),
                n => format!(
                    "{} {} % ({} {n})",
                    name(arm),
                    (*won * 100 + n / 2) / n,
                    st(l, StaffKey::ChoiceOf)
                ),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let band = |b: &str| band_text(l, b).to_string();
    let variant = |v: &str| v.to_uppercase();
    let mut parts = Vec::new();
    if let Some(b) = &c.band {
        parts.push(format!("{}: {}", st(l, StaffKey::ChoiceSentIn), band(b)));
    }
    if let Some(v) = &c.variant {
        parts.push(format!("{}: {}", st(l, StaffKey::ChoiceVariant), variant(v)));
    }
    parts.push(format!("{}: {}", st(l, StaffKey::ChoicePlan), c.plan));
    let within = format!(
        "{} {} {}",
        st(l, StaffKey::ChoicePaidWithin),
        c.window_days,
        st(l, StaffKey::ChoiceDays)
    );
    let mut evidence = Vec::new();
    if c.band.is_some() {
        evidence.push(rates(&c.arms, &band));
    }
    if c.variant.is_some() {
        evidence.push(rates(&c.variant_arms, &variant));
    }
    format!("{} · {within}: {}", parts.join(" · "), evidence.join(" · "))
}

/// What DNS said of a record the creditor should publish, in words.
pub fn dns_status_text(l: Locale, status: &str) -> &'static str {
    match status {
        "ok" => st(l, StaffKey::DnsOk),
        "wrong" => st(l, StaffKey::DnsWrong),
        "missing" => st(l, StaffKey::DnsMissing),
        _ => st(l, StaffKey::DnsUnchecked),
    }
}

/// A delivery problem's status in words.
pub fn delivery_status_text(l: Locale, status: &str) -> &'static str {
    match status {
        "bounced" => st(l, StaffKey::StatusBounced),
        "returned" => st(l, StaffKey::StatusReturned),
        _ => st(l, StaffKey::StatusFailed),
    }
}

/// A code only the back office produces, or the portal's text for it.
pub fn staff_code_text(l: Locale, code: &str) -> &'static str {
    let text = |nl, de, en| match l {
        Locale::Nl => nl,
        Locale::De => de,
        Locale::En => en,
    };
    match code {
        "second_factor_missing" => text(
            "Voor dit account is nog geen tweede stap ingesteld; vraag het platformbeheer.",
            "Für dieses Konto ist noch kein zweiter Schritt eingerichtet; wenden Sie sich an den Plattformbetrieb.",
            "This account has no second step set up yet; ask the operators.",
        ),
        "already_held" => text(
            "De aanmaningen voor deze factuur staan al stil (regeling, overdracht of een eerdere stop).",
            "Für diese Rechnung ruht das Mahnwesen bereits (Ratenplan, Abgabe oder früherer Mahnstopp).",
            "Dunning for this invoice is already held (plan, hand-over or an earlier pause).",
        ),
        "not_paused" => text(
            "Deze factuur is niet gestopt.",
            "Für diese Rechnung besteht kein Mahnstopp.",
            "This invoice is not paused.",
        ),
        "invoice_not_open" => text(
            "Deze factuur staat niet meer open.",
            "Diese Rechnung ist nicht mehr offen.",
            "This invoice is no longer open.",
        ),
        "claimed_by_other" => text(
            "Een collega heeft dit verzoek al opgepakt.",
            "Eine Kollegin oder ein Kollege bearbeitet diesen Rückruf bereits.",
            "A colleague has already claimed this callback.",
        ),
        "no_email_on_file" => text(
            "Er is geen (werkend) e-mailadres bekend.",
            "Es ist keine (funktionierende) E-Mail-Adresse hinterlegt.",
            "No (working) email address on file.",
        ),
        "no_phone_on_file" => text(
            "Er is geen mobiel nummer bekend.",
            "Es ist keine Mobilnummer hinterlegt.",
            "No mobile number on file.",
        ),
        "forbidden" => st(l, StaffKey::Forbidden),
        "note_saved" => text("Notitie opgeslagen.", "Notiz gespeichert.", "Note saved."),
        "contact_erased" => text(
            "De contactgegevens zijn gewist.",
            "Die Kontaktdaten wurden gelöscht.",
            "The contact data has been erased.",
        ),
        "erase_open" => text(
            "Er staat nog iets open (factuur, regeling, geschil, terugbelverzoek, terugbetaling of een bericht dat nog verstuurd wordt); de gegevens zijn niet gewist.",
            "Es ist noch etwas offen (Rechnung, Ratenplan, Einwand, Rückruf, Erstattung oder eine noch zu sendende Nachricht); die Daten wurden nicht gelöscht.",
            "Something is still open (an invoice, plan, dispute, callback, refund or a message still to be sent); nothing was erased.",
        ),
        "paused" => text("Aanmaningen gestopt.", "Mahnstopp gesetzt.", "Dunning paused."),
        "resumed" => text("Aanmaningen hervat.", "Mahnstopp aufgehoben.", "Dunning resumed."),
        "link_sent_to_debtor" => text(
            "Betaallink verstuurd.",
            "Zahlungslink verschickt.",
            "Payment link sent.",
        ),
        "claimed" => text(
            "U heeft dit verzoek opgepakt.",
            "Sie bearbeiten diesen Rückruf.",
            "You claimed this callback.",
        ),
        "callback_closed" => text(
            "Terugbelverzoek afgesloten.",
            "Rückruf abgeschlossen.",
            "Callback closed.",
        ),
        "callback_rescheduled" => text(
            "Terugbelverzoek verzet; de klant is ingelicht.",
            "Rückruf verschoben; die Kundin / der Kunde ist informiert.",
            "Callback moved; the debtor was told.",
        ),
        "statement_imported" => text("Afschrift ingelezen.", "Kontoauszug eingelesen.", "Statement imported."),
        "statement_invalid" => text(
            "Dit bestand is geen leesbaar afschrift; er is niets geboekt.",
            "Diese Datei ist kein lesbarer Kontoauszug; es wurde nichts gebucht.",
            "This file is not a readable statement; nothing was booked.",
        ),
        "file_required" => text("Kies een bestand.", "Wählen Sie eine Datei.", "Choose a file."),
        "file_too_large" => text(
            "Het bestand is te groot (hoogstens 50 MB).",
            "Die Datei ist zu groß (höchstens 50 MB).",
            "The file is too large (50 MB at most).",
        ),
        "request_decided" => text(
            "Besluit opgeslagen; de klant is ingelicht.",
            "Entscheidung gespeichert; die Kundin / der Kunde ist informiert.",
            "Decision saved; the debtor was told.",
        ),
        "email_in_use" => text(
            "Dit e-mailadres hoort al bij een andere klant.",
            "Diese E-Mail-Adresse gehört schon zu einer anderen Kundin / einem anderen Kunden.",
            "This email address already belongs to another debtor.",
        ),
        "contact_corrected" => text(
            "Contactgegevens opgeslagen.",
            "Kontaktdaten gespeichert.",
            "Contact data saved.",
        ),
        "template_saved" => text(
            "Tekst opgeslagen; de volgende berichten gebruiken hem.",
            "Text gespeichert; die nächsten Nachrichten verwenden ihn.",
            "Template saved; the next messages use it.",
        ),
        "template_reset" => text(
            "De meegeleverde tekst wordt weer gebruikt.",
            "Der mitgelieferte Text wird wieder verwendet.",
            "The shipped text is used again.",
        ),
        "test_sent" => text(
            "Test verstuurd naar uw e-mailadres.",
            "Test an Ihre E-Mail-Adresse gesendet.",
            "Test sent to your email address.",
        ),
        "template_syntax" => text(
            "De tekst bevat een fout in de opmaak ({{ }} of {% %}).",
            "Der Text enthält einen Syntaxfehler ({{ }} oder {% %}).",
            "The text has a syntax error ({{ }} or {% %}).",
        ),
        "template_unknown_variable" => text("Onbekende variabele:", "Unbekannte Variable:", "Unknown variable:"),
        "template_link_missing" => text(
            "De tekst moet {{ link }} bevatten, anders kan de klant niet betalen.",
            "Der Text muss {{ link }} enthalten, sonst kann nicht bezahlt werden.",
            "The text must contain {{ link }}, or the debtor cannot pay.",
        ),
        "template_too_complex" => text(
            "De tekst is te zwaar om op te bouwen.",
            "Der Text ist zu aufwendig zu erzeugen.",
            "The text is too costly to render.",
        ),
        "sms_too_long" => text(
            "De sms wordt langer dan 3 delen.",
            "Die SMS wird länger als 3 Teile.",
            "The SMS gets longer than 3 segments.",
        ),
        "template_changed_meanwhile" => text(
            "Iemand anders sloeg tegelijk op; probeer het opnieuw.",
            "Jemand anderes hat gleichzeitig gespeichert; bitte erneut versuchen.",
            "Someone else saved at the same time; try again.",
        ),
        "staff_added" => text(
            "Medewerker toegevoegd.",
            "Mitarbeitende hinzugefügt.",
            "Staff member added.",
        ),
        "staff_updated" => text("Opgeslagen.", "Gespeichert.", "Saved."),
        "not_yourself" => text(
            "Uw eigen account kunt u niet uitschakelen.",
            "Das eigene Konto können Sie nicht deaktivieren.",
            "You cannot disable your own account.",
        ),
        "staff_exists" => text(
            "Er is al een medewerker met dit e-mailadres.",
            "Es gibt bereits Mitarbeitende mit dieser E-Mail-Adresse.",
            "A staff member with this email address exists already.",
        ),
        "representative_saved" => text(
            "Vertegenwoordiger opgeslagen.",
            "Vertretung gespeichert.",
            "Representative saved.",
        ),
        "representative_removed" => text(
            "Vertegenwoordiger verwijderd.",
            "Vertretung entfernt.",
            "Representative removed.",
        ),
        "one_line" => text(
            "Eén regel, zonder regeleinde.",
            "Eine Zeile, ohne Zeilenumbruch.",
            "One line, without a line break.",
        ),
        "sender_name_invalid" => text(
            "Een naam zonder < > of aanhalingstekens.",
            "Ein Name ohne < > oder Anführungszeichen.",
            "A name without < > or quotation marks.",
        ),
        "letter_returned" => text(
            "Retour vastgelegd; er gaan geen brieven meer naar dit adres tot het gecorrigeerd is.",
            "Rücklauf erfasst; an diese Adresse gehen keine Briefe mehr, bis sie korrigiert ist.",
            "Return registered; no more letters go to this address until it is corrected.",
        ),
        "letter_already_returned" => text(
            "Deze brief is al als retour vastgelegd.",
            "Dieser Brief ist bereits als Rücklauf erfasst.",
            "This letter is already registered as returned.",
        ),
        "letter_not_sent" => text(
            "Deze brief is (nog) niet verzonden.",
            "Dieser Brief wurde (noch) nicht versandt.",
            "This letter has not been sent (yet).",
        ),
        "letter_unknown" => text(
            "Kies een verzonden brief van deze klant.",
            "Wählen Sie einen versandten Brief dieser Kundin / dieses Kunden.",
            "Choose a letter sent to this debtor.",
        ),
        "api_key_created" => text(
            "Sleutel gemaakt. Kopieer hem nu; hij wordt niet nog eens getoond.",
            "Schlüssel erstellt. Kopieren Sie ihn jetzt; er wird nicht noch einmal angezeigt.",
            "Key created. Copy it now; it is not shown again.",
        ),
        "url_invalid" => text(
            "Een volledig https-adres, zonder gebruikersnaam of wachtwoord.",
            "Eine vollständige https-Adresse, ohne Benutzername oder Passwort.",
            "A full https address, without a user name or password.",
        ),
        "url_private" => text(
            "Alleen openbare adressen: geen localhost, interne of privé-IP-adressen.",
            "Nur öffentliche Adressen: kein localhost, keine internen oder privaten IP-Adressen.",
            "Public addresses only: no localhost, internal or private IP addresses.",
        ),
        "events_invalid" => text(
            "Kies minstens één gebeurtenis.",
            "Wählen Sie mindestens ein Ereignis.",
            "Choose at least one event.",
        ),
        "webhook_created" => text(
            "Webhook toegevoegd. Kopieer het geheim nu; het wordt niet nog eens getoond.",
            "Webhook hinzugefügt. Kopieren Sie das Geheimnis jetzt; es wird nicht noch einmal angezeigt.",
            "Webhook added. Copy the secret now; it is not shown again.",
        ),
        "webhook_rotated" => text(
            "Nieuw geheim gemaakt. Het vorige ondertekent nog mee tot de volgende wissel.",
            "Neues Geheimnis erstellt. Das vorige signiert noch mit bis zum nächsten Wechsel.",
            "New secret made. The previous one keeps signing until the next change.",
        ),
        "webhook_removed" => text(
            "Webhook verwijderd; er wordt niets meer naartoe gestuurd.",
            "Webhook entfernt; es wird nichts mehr dorthin gesendet.",
            "Webhook removed; nothing more is sent to it.",
        ),
        "webhook_redelivered" => text(
            "Het bericht gaat binnen een minuut opnieuw weg.",
            "Die Nachricht geht innerhalb einer Minute erneut hinaus.",
            "The message goes out again within a minute.",
        ),
        "api_key_revoked" => text(
            "Sleutel ingetrokken; hij werkt niet meer.",
            "Schlüssel widerrufen; er funktioniert nicht mehr.",
            "Key revoked; it no longer works.",
        ),
        "tenant_created" => text(
            "Aangemaakt. Geef de beheerder het wachtwoord en de sleutel hieronder; ze worden niet nog eens getoond.",
            "Angelegt. Geben Sie der Administration das Passwort und den Schlüssel unten; sie werden nicht noch einmal angezeigt.",
            "Created. Hand the admin the password and the key below; they are not shown again.",
        ),
        "slug_invalid" => text(
            "2 tot 30 kleine letters, cijfers of streepjes.",
            "2 bis 30 Kleinbuchstaben, Ziffern oder Bindestriche.",
            "2 to 30 lower-case letters, digits or hyphens.",
        ),
        "slug_taken" => text("Deze korte naam bestaat al.", "Dieser Kurzname ist vergeben.", "This slug is taken."),
        "base_url_invalid" => text(
            "Geef een adres als https://portaal.voorbeeld.nl, zonder pad.",
            "Geben Sie eine Adresse wie https://portal.beispiel.de an, ohne Pfad.",
            "Give an address like https://portal.example.com, without a path.",
        ),
        "hosts_invalid" => text(
            "Alleen hostnamen, zoals portaal.voorbeeld.nl.",
            "Nur Hostnamen, etwa portal.beispiel.de.",
            "Hostnames only, like portal.example.com.",
        ),
        "host_taken" => text(
            "Een van deze hostnamen hoort al bij een andere klant.",
            "Einer dieser Hostnamen gehört schon zu einem anderen Mandanten.",
            "One of these hostnames already belongs to another tenant.",
        ),
        "iban_invalid" => text("Dit is geen geldige IBAN.", "Das ist keine gültige IBAN.", "This is not a valid IBAN."),
        "bic_invalid" => text("Dit is geen geldige BIC.", "Das ist keine gültige BIC.", "This is not a valid BIC."),
        "provider_saved" => text("Opgeslagen.", "Gespeichert.", "Saved."),
        "dkim_none_stored" => text(
            "Er is nog geen sleutel om te houden; kies een nieuwe.",
            "Es gibt noch keinen Schlüssel zum Behalten; wählen Sie einen neuen.",
            "There is no key to keep yet; choose a new one.",
        ),
        "dkim_name_invalid" => text(
            "Alleen letters, cijfers en streepjes, zoals settle1.",
            "Nur Buchstaben, Ziffern und Bindestriche, etwa settle1.",
            "Letters, digits and hyphens only, like settle1.",
        ),
        "sandbox_not_in_production" => text(
            "De sandbox betaalt zonder geld en is in productie niet toegestaan.",
            "Die Sandbox zahlt ohne Geld und ist im Produktivbetrieb nicht erlaubt.",
            "The sandbox pays without money and is not allowed in production.",
        ),
        "print_url_invalid" => text(
            "Geef een https://-adres.",
            "Geben Sie eine https://-Adresse an.",
            "Give an https:// address.",
        ),
        "sms_credentials_invalid" => text(
            "Deze gegevens passen niet bij de gekozen dienst.",
            "Diese Daten passen nicht zum gewählten Anbieter.",
            "These details do not fit the chosen provider.",
        ),
        "logo_saved" => text(
            "Logo opgeslagen; portaal, e-mails en brieven tonen het nu.",
            "Logo gespeichert; Portal, E-Mails und Briefe zeigen es ab jetzt.",
            "Logo saved; the portal, emails and letters show it from now on.",
        ),
        "logo_too_large" => text(
            "Het logo is te groot (hoogstens 1 MB).",
            "Das Logo ist zu groß (höchstens 1 MB).",
            "The logo is too large (1 MB at most).",
        ),
        "logo_too_many_pixels" => text(
            "Het logo is te groot (hoogstens 2048 × 2048 pixels).",
            "Das Logo ist zu groß (höchstens 2048 × 2048 Pixel).",
            "The logo is too large (2048 × 2048 pixels at most).",
        ),
        "logo_unreadable" => text(
            "Dit is geen bruikbaar PNG- of SVG-bestand (tekst in een SVG moet naar paden omgezet zijn).",
            "Das ist keine verwendbare PNG- oder SVG-Datei (Text in einer SVG muss in Pfade umgewandelt sein).",
            "This is not a usable PNG or SVG file (text in an SVG must be converted to paths).",
        ),
        "branding_saved" => text(
            "Huisstijl opgeslagen.",
            "Erscheinungsbild gespeichert.",
            "Branding saved.",
        ),
        "colour_invalid" => text(
            "Geef een kleur als #RRGGBB, bijvoorbeeld #0b5cad.",
            "Geben Sie eine Farbe als #RRGGBB an, z. B. #0b5cad.",
            "Give a colour as #RRGGBB, like #0b5cad.",
        ),
        "contrast_too_low" => text(
            "Deze kleur is op wit niet goed leesbaar (minder dan 4,5:1, WCAG AA). Kies een donkerdere.",
            "Diese Farbe ist auf Weiß schlecht lesbar (unter 4,5:1, WCAG AA). Wählen Sie eine dunklere.",
            "This colour does not read well on white (below 4.5:1, WCAG AA). Choose a darker one.",
        ),
        "segment_saved" => text(
            "Opgeslagen; nieuwe facturen volgen deze indeling.",
            "Gespeichert; neue Rechnungen folgen dieser Zuordnung.",
            "Saved; new invoices follow it.",
        ),
        "segment_empty" => text(
            "Vul minstens één regel in; anders neemt dit plan iedereen over van het standaardplan.",
            "Füllen Sie mindestens eine Regel aus; sonst übernimmt dieser Plan alle vom Standardplan.",
            "Fill in at least one rule, or this plan takes everyone from the default plan.",
        ),
        "policy_saved" => text(
            "Contactbeleid opgeslagen.",
            "Kontaktrichtlinie gespeichert.",
            "Contact policy saved.",
        ),
        "time_invalid" => text("Een tijd als 08:00.", "Eine Uhrzeit wie 08:00.", "A time like 08:00."),
        "window_invalid" => text(
            "Het einde moet na het begin liggen.",
            "Das Ende muss nach dem Beginn liegen.",
            "The end must come after the start.",
        ),
        "weekdays_invalid" => text(
            "Dagen als mon,sun; niet alle zeven.",
            "Tage wie mon,sun; nicht alle sieben.",
            "Days like mon,sun; not all seven.",
        ),
        "region_invalid" => text("NL, DE of none.", "NL, DE oder none.", "NL, DE or none."),
        "dates_invalid" => text(
            "Datums als 2026-12-24, met komma's.",
            "Daten wie 2026-12-24, mit Kommas.",
            "Dates like 2026-12-24, comma-separated.",
        ),
        "number_invalid" => text(
            "Een heel getal binnen de grenzen.",
            "Eine ganze Zahl innerhalb der Grenzen.",
            "A whole number within the limits.",
        ),
        "plan_saved" => text(
            "Plan opgeslagen; de planner gebruikt het bij de volgende ronde.",
            "Plan gespeichert; der Planer verwendet ihn bei der nächsten Runde.",
            "Plan saved; the planner uses it on its next pass.",
        ),
        "offset_invalid" => text(
            "Een heel aantal dagen, van -60 tot 730.",
            "Eine ganze Zahl von Tagen, von -60 bis 730.",
            "A whole number of days, from -60 to 730.",
        ),
        "channels_invalid" => text(
            "Kanalen als email, sms of letter, met + of >.",
            "Kanäle als email, sms oder letter, mit + oder >.",
            "Channels as email, sms or letter, with + or >.",
        ),
        "fee_invalid" => text(
            "Kosten als none, bik of fixed:<centen>.",
            "Gebühr als none, bik oder fixed:<Cent>.",
            "Fee as none, bik or fixed:<cents>.",
        ),
        "interest_invalid" => text(
            "Rente als none, nl of de.",
            "Zinsen als none, nl oder de.",
            "Interest as none, nl or de.",
        ),
        "plan_empty" => text(
            "Een plan heeft minstens één stap.",
            "Ein Plan braucht mindestens eine Stufe.",
            "A plan needs at least one step.",
        ),
        "plan_out_of_order" => text(
            "De dagen moeten oplopen.",
            "Die Tage müssen aufsteigen.",
            "The days must go up.",
        ),
        "plan_after_hand_over" => text(
            "Na de overdracht kan geen stap meer komen.",
            "Nach der Abgabe kann keine Stufe mehr folgen.",
            "Nothing may follow the hand-over.",
        ),
        "plan_voice_reminders_only" => text(
            "Alleen een gewone herinnering kan bellen (voice); een aanmaning of wettelijke brief niet.",
            "Nur eine einfache Zahlungserinnerung kann anrufen (voice); eine Mahnung oder ein gesetzlich vorgeschriebenes Schreiben nicht.",
            "Only a plain reminder may call (voice); a notice the law requires may not.",
        ),
        "step_in_use" => text(
            "Een stap waarvoor al berichten zijn verstuurd kan niet weg.",
            "Eine Stufe mit versendeten Nachrichten kann nicht entfernt werden.",
            "A step that already sent messages cannot be removed.",
        ),
        "too_many_steps" => text("Hoogstens 20 stappen.", "Höchstens 20 Stufen.", "At most 20 steps."),
        "plan_invalid" => text(
            "Dit plan klopt nog niet; sla het eerst goed op.",
            "Dieser Plan ist noch fehlerhaft; speichern Sie ihn zuerst korrekt.",
            "This plan is not valid yet; save it correctly first.",
        ),
        "payment_allocated" => text("Betaling toegewezen.", "Zahlung zugeordnet.", "Payment allocated."),
        "payment_refund" => text(
            "Betaling gemarkeerd om terug te betalen.",
            "Zahlung zur Rückzahlung vorgemerkt.",
            "Payment marked for refund.",
        ),
        "dispute_decided" => text(
            "Besluit opgeslagen; de klant is ingelicht.",
            "Entscheidung gespeichert; die Kundin / der Kunde ist informiert.",
            "Decision saved; the debtor was told.",
        ),
        other => code_text(l, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_staff_text_exists_in_every_language() {
        for k in StaffKey::ALL {
            for l in [Locale::Nl, Locale::De, Locale::En] {
                assert!(!st(l, *k).is_empty(), "{k:?} {l:?}");
            }
        }
        assert_ne!(
            staff_code_text(Locale::De, "already_held"),
            staff_code_text(Locale::En, "already_held")
        );
    }
}
