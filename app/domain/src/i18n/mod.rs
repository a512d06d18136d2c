//! Message catalogs for Dutch, German and English. Each key is declared once with all three
//! texts, so a missing translation does not compile.
use crate::locale::Locale;

macro_rules! catalog {
    (enum $enum:ident, fn $fn:ident; $($key:ident => $nl:expr, $de:expr, $en:expr;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $enum { $($key),* }

        impl $enum {
            pub const ALL: &'static [$enum] = &[$($enum::$key),*];
        }

        pub fn $fn(locale: Locale, key: $enum) -> &'static str {
            match key {
                $($enum::$key => match locale {
                    Locale::Nl => $nl,
                    Locale::De => $de,
                    Locale::En => $en,
                }),*
            }
        }
    };
}

/// The back office's texts (staff-facing), kept apart from the debtor portal's.
pub mod staff;
/// What an automated reminder call says.
pub mod voice;

catalog! {
    enum Key, fn t;
    SkipToContent => "Naar de inhoud", "Zum Inhalt springen", "Skip to content";
    UnsubscribeTitle => "Geen herinneringen meer per e-mail", "Keine Erinnerungen mehr per E-Mail", "No more reminders by email";
    UnsubscribeIntro => "U ontvangt dan geen betalingsherinneringen meer per e-mail. Wettelijk verplichte brieven, zoals een aanmaning, blijven wij sturen.", "Sie erhalten dann keine Zahlungserinnerungen mehr per E-Mail. Gesetzlich vorgeschriebene Schreiben, etwa eine Mahnung vor Kosten, senden wir weiterhin.", "You will no longer get payment reminders by email. Notices the law requires, such as a final notice, we still send.";
    UnsubscribeButton => "Stop herinneringen per e-mail", "Erinnerungen per E-Mail beenden", "Stop reminders by email";
    UnsubscribeDone => "Gelukt: u ontvangt geen herinneringen meer per e-mail.", "Erledigt: Sie erhalten keine Erinnerungen mehr per E-Mail.", "Done: you will get no more reminders by email.";
    UnsubscribeGone => "Deze link werkt niet meer.", "Dieser Link ist nicht mehr gültig.", "This link no longer works.";
    NavOverview => "Overzicht", "Übersicht", "Overview";
    NavInvoices => "Facturen", "Rechnungen", "Invoices";
    Logout => "Uitloggen", "Abmelden", "Log out";
    Language => "Taal", "Sprache", "Language";
    ChangeLanguage => "Wijzig taal", "Sprache ändern", "Change language";
    SupportHeading => "Vragen?", "Fragen?", "Questions?";
    SupportCall => "Bel ons", "Rufen Sie uns an", "Call us";
    SupportMail => "Mail ons", "Schreiben Sie uns", "Email us";
    LoadingText => "Bezig met laden…", "Wird geladen…", "Loading…";

    LoginTitle => "Inloggen", "Anmelden", "Log in";
    LoginIntro => "Log in om uw facturen te bekijken en te betalen.", "Melden Sie sich an, um Ihre Rechnungen zu sehen und zu bezahlen.", "Log in to see and pay your invoices.";
    Email => "E-mailadres", "E-Mail-Adresse", "Email address";
    Password => "Wachtwoord", "Passwort", "Password";
    LoginButton => "Inloggen", "Anmelden", "Log in";
    ForgotPassword => "Wachtwoord vergeten?", "Passwort vergessen?", "Forgot your password?";
    FirstTime => "Eerste keer hier?", "Zum ersten Mal hier?", "First time here?";
    ActivateLink => "Activeer uw account", "Konto aktivieren", "Activate your account";
    LinkHeading => "Inloggen zonder wachtwoord", "Anmelden ohne Passwort", "Log in without a password";
    LinkIntro => "Wij sturen u een inloglink die 10 minuten geldig is.", "Wir senden Ihnen einen Anmeldelink, der 10 Minuten gültig ist.", "We email you a login link that works for 10 minutes.";
    LinkButton => "Stuur mij een inloglink", "Anmeldelink senden", "Email me a login link";

    ActivateTitle => "Account activeren", "Konto aktivieren", "Activate your account";
    ActivateIntro => "Vul uw klantnummer en postcode in. Wij sturen een link om een wachtwoord in te stellen naar het e-mailadres dat bij ons bekend is.", "Geben Sie Ihre Kundennummer und Postleitzahl ein. Wir senden einen Link zum Festlegen des Passworts an die bei uns hinterlegte E-Mail-Adresse.", "Enter your customer number and postcode. We send a link to set your password to the email address we have on file.";
    CustomerNumber => "Klantnummer", "Kundennummer", "Customer number";
    OnBehalfOf => "Betreft uw cliënt:", "Betrifft Ihre Mandantin / Ihren Mandanten:", "Concerning your client:";
    CustomerNumberHint => "Staat op uw factuur of polis.", "Steht auf Ihrer Rechnung.", "Shown on your invoice.";
    Postcode => "Postcode", "Postleitzahl", "Postcode";
    ActivateButton => "Stuur activatielink", "Aktivierungslink senden", "Send activation link";
    BackToLogin => "Terug naar inloggen", "Zurück zur Anmeldung", "Back to login";

    LinkConfirmTitle => "Inloggen met link", "Anmelden mit Link", "Log in with your link";
    LinkConfirmIntro => "Klik op de knop om in te loggen. De link werkt één keer.", "Klicken Sie auf die Schaltfläche, um sich anzumelden. Der Link funktioniert einmal.", "Press the button to log in. The link works once.";
    LinkConfirmButton => "Nu inloggen", "Jetzt anmelden", "Log in now";

    ResetTitle => "Wachtwoord opnieuw instellen", "Passwort zurücksetzen", "Reset your password";
    ResetIntro => "Vul uw e-mailadres in. Als er een account bij hoort, sturen wij een link.", "Geben Sie Ihre E-Mail-Adresse ein. Wenn ein Konto dazu gehört, senden wir einen Link.", "Enter your email address. If an account belongs to it, we send a link.";
    ResetButton => "Stuur link", "Link senden", "Send link";
    SetPasswordTitle => "Kies een wachtwoord", "Passwort wählen", "Choose a password";
    NewPassword => "Nieuw wachtwoord", "Neues Passwort", "New password";
    ConfirmPassword => "Herhaal wachtwoord", "Passwort wiederholen", "Repeat password";
    PasswordHint => "Minstens 8 tekens. Een zin van een paar woorden is sterk en goed te onthouden.", "Mindestens 8 Zeichen. Ein Satz aus ein paar Wörtern ist stark und leicht zu merken.", "At least 8 characters. A short sentence is strong and easy to remember.";
    SetPasswordButton => "Wachtwoord opslaan", "Passwort speichern", "Save password";

    DashboardTitle => "Overzicht", "Übersicht", "Overview";
    Welcome => "Welkom", "Willkommen", "Welcome";
    TotalDue => "Totaal te betalen", "Insgesamt offen", "Total due";
    OverdueLabel => "Achterstallig", "Überfällig", "Overdue";
    NextDue => "Volgende vervaldatum", "Nächste Fälligkeit", "Next due date";
    NothingDue => "U hoeft op dit moment niets te betalen.", "Zurzeit ist nichts zu bezahlen.", "There is nothing to pay right now.";
    ViewInvoices => "Bekijk facturen", "Rechnungen ansehen", "View invoices";
    PayOverdue => "Betaal achterstand", "Rückstand bezahlen", "Pay what is overdue";
    OpenInvoicesCount => "Openstaande facturen", "Offene Rechnungen", "Open invoices";
    StepUpNotice => "U bent ingelogd via een betaallink. Log in met uw wachtwoord om contactgegevens te wijzigen.", "Sie sind über einen Zahlungslink angemeldet. Melden Sie sich mit Passwort an, um Kontaktdaten zu ändern.", "You are signed in through a payment link. Log in with your password to change contact details.";

    InvoicesTitle => "Facturen", "Rechnungen", "Invoices";
    InvoiceNumber => "Factuurnummer", "Rechnungsnummer", "Invoice number";
    IssueDate => "Factuurdatum", "Rechnungsdatum", "Invoice date";
    DueDate => "Vervaldatum", "Fällig am", "Due date";
    Amount => "Bedrag", "Betrag", "Amount";
    OpenAmount => "Nog te betalen", "Noch offen", "Amount due";
    Status => "Status", "Status", "Status";
    NoInvoices => "U heeft geen facturen.", "Sie haben keine Rechnungen.", "You have no invoices.";
    StatusOpen => "Open", "Offen", "Open";
    StatusOverdue => "Achterstallig", "Überfällig", "Overdue";
    StatusPartlyPaid => "Deels betaald", "Teilweise bezahlt", "Partly paid";
    StatusPaid => "Betaald", "Bezahlt", "Paid";
    StatusCancelled => "Vervallen", "Storniert", "Cancelled";
    StatusPending => "Betaling in behandeling", "Zahlung in Bearbeitung", "Payment processing";
    PaySelected => "Betaal geselecteerde facturen", "Ausgewählte Rechnungen bezahlen", "Pay selected invoices";
    SelectInvoice => "Selecteer", "Auswählen", "Select";
    CreditNotice => "U heeft een tegoed. Wij betalen dit aan u terug:", "Sie haben ein Guthaben. Wir zahlen es Ihnen zurück:", "You have a credit. We will pay it back to you:";

    InvoiceTitle => "Factuur", "Rechnung", "Invoice";
    LinesHeading => "Specificatie", "Positionen", "Details";
    Total => "Totaal", "Summe", "Total";
    HowToPay => "Zo betaalt u", "So bezahlen Sie", "How to pay";
    TransferIntro => "Maak het bedrag over met precies dit betalingskenmerk, dan verwerken wij uw betaling automatisch.", "Überweisen Sie den Betrag mit genau dieser Referenz, dann wird Ihre Zahlung automatisch zugeordnet.", "Transfer the amount with exactly this reference so your payment is matched automatically.";
    Beneficiary => "Ten name van", "Empfänger", "Beneficiary";
    Iban => "IBAN", "IBAN", "IBAN";
    Bic => "BIC", "BIC", "BIC";
    Reference => "Betalingskenmerk", "Verwendungszweck (Referenz)", "Payment reference";
    AmountToPay => "Te betalen", "Zu zahlen", "Amount to pay";
    QrIntro => "Of scan deze code met uw bank-app.", "Oder scannen Sie diesen Code mit Ihrer Banking-App.", "Or scan this code with your banking app.";
    DataHeading => "Uw gegevens", "Ihre Daten", "Your data";
    DataIntro => "Download alles wat wij over u bewaren: uw gegevens, facturen, betalingen, berichten en verzoeken.", "Laden Sie alles herunter, was wir über Sie speichern: Ihre Daten, Rechnungen, Zahlungen, Nachrichten und Anfragen.", "Download everything we hold about you: your details, invoices, payments, messages and requests.";
    DataJson => "Download als JSON", "Als JSON herunterladen", "Download as JSON";
    DataCsv => "Download als CSV", "Als CSV herunterladen", "Download as CSV";
    Copy => "Kopieer", "Kopieren", "Copy";
    Copied => "Gekopieerd", "Kopiert", "Copied";
    QrAlt => "QR-code voor een overboeking (EPC)", "QR-Code für eine Überweisung (GiroCode)", "QR code for a bank transfer (EPC)";
    DownloadPdf => "Download factuur (PDF)", "Rechnung herunterladen (PDF)", "Download invoice (PDF)";
    BackToInvoices => "Terug naar facturen", "Zurück zu den Rechnungen", "Back to invoices";
    PayOnlineHeading => "Direct online betalen", "Sofort online bezahlen", "Pay online now";
    PayOnline => "Betaal online", "Online bezahlen", "Pay online";
    PayPartHeading => "Een deel betalen", "Einen Teil bezahlen", "Pay part of it";
    PayPartAmount => "Bedrag in euro", "Betrag in Euro", "Amount in euros";
    PayPartHint => "Tussen", "Zwischen", "Between";
    PayPartButton => "Betaal dit bedrag", "Diesen Betrag bezahlen", "Pay this amount";
    PaymentPendingText => "Uw betaling wordt nog verwerkt. U hoeft niets te doen; wij sturen geen herinnering zolang de betaling loopt.", "Ihre Zahlung wird noch verarbeitet. Sie müssen nichts tun; solange sie läuft, senden wir keine Mahnung.", "Your payment is still being processed. There is nothing you need to do; we send no reminder while it is under way.";
    ReturnTitle => "Uw betaling", "Ihre Zahlung", "Your payment";
    OutcomePaid => "Betaald. Dank u wel! U ontvangt een bevestiging per e-mail.", "Bezahlt. Vielen Dank! Sie erhalten eine Bestätigung per E-Mail.", "Paid. Thank you! We have emailed you a receipt.";
    OutcomePending => "Uw betaling wordt verwerkt door uw bank. Dit kan even duren; deze pagina ververst vanzelf.", "Ihre Zahlung wird von Ihrer Bank verarbeitet. Das kann etwas dauern; diese Seite aktualisiert sich selbst.", "Your bank is processing the payment. This can take a moment; this page refreshes by itself.";
    OutcomeFailed => "De betaling is mislukt. Er is niets afgeschreven.", "Die Zahlung ist fehlgeschlagen. Es wurde nichts abgebucht.", "The payment failed. Nothing was charged.";
    OutcomeCancelled => "De betaling is geannuleerd. Er is niets afgeschreven.", "Die Zahlung wurde abgebrochen. Es wurde nichts abgebucht.", "The payment was cancelled. Nothing was charged.";
    OutcomeOpen => "De betaling is nog niet afgerond.", "Die Zahlung ist noch nicht abgeschlossen.", "The payment is not finished yet.";
    ContinuePayment => "Verder met betalen", "Weiter zur Zahlung", "Continue paying";
    TryAgain => "Probeer opnieuw", "Erneut versuchen", "Try again";
    RefundRemittance => "terugbetaling te veel betaald", "Erstattung Überzahlung", "refund of overpayment";
    SandboxTitle => "Testbetaling", "Testzahlung", "Test payment";
    SandboxTestMode => "TESTMODUS: er wordt geen echt geld afgeschreven.", "TESTMODUS: Es wird kein echtes Geld abgebucht.", "TEST MODE: no real money is charged.";
    SandboxPay => "Betalen", "Bezahlen", "Pay";
    SandboxPending => "Bank verwerkt nog", "Bank verarbeitet noch", "Bank still processing";
    SandboxFail => "Laten mislukken", "Fehlschlagen lassen", "Fail";
    SandboxCancel => "Annuleren", "Abbrechen", "Cancel";
    SandboxDone => "Deze testbetaling is afgerond.", "Diese Testzahlung ist abgeschlossen.", "This test payment is finished.";
    SandboxBack => "Terug naar de winkel", "Zurück zum Händler", "Back to the merchant";
    PaidThankYou => "Deze factuur is betaald. Dank u wel!", "Diese Rechnung ist bezahlt. Vielen Dank!", "This invoice is paid. Thank you!";

    PayTitle => "Betalen", "Bezahlen", "Pay";
    PayFor => "Betaling aan", "Zahlung an", "Payment to";
    PayName => "Naam", "Name", "Name";
    ThisIsMe => "Dit ben ik", "Das bin ich", "This is me";
    ThisIsMeIntro => "Wilt u al uw facturen zien of een regeling vragen? Wij sturen een code naar het e-mailadres dat bij ons bekend is.", "Möchten Sie alle Rechnungen sehen? Wir senden einen Code an die bei uns hinterlegte E-Mail-Adresse.", "Want to see all your invoices? We send a code to the email address we have on file.";
    SendCode => "Stuur mij een code", "Code senden", "Send me a code";
    CodeSentTo => "Wij hebben een code gestuurd naar", "Wir haben einen Code gesendet an", "We sent a code to";
    Code => "Code (6 cijfers)", "Code (6 Ziffern)", "Code (6 digits)";
    VerifyCode => "Bevestigen", "Bestätigen", "Confirm";

    NotFoundTitle => "Pagina niet gevonden", "Seite nicht gefunden", "Page not found";
    RateLimitedTitle => "Even geduld", "Einen Moment bitte", "Please wait";
    NotFoundText => "Deze pagina bestaat niet of is niet meer beschikbaar. Een betaallink vervalt zodra de factuur is betaald.", "Diese Seite gibt es nicht oder nicht mehr. Ein Zahlungslink erlischt, sobald die Rechnung bezahlt ist.", "This page does not exist or is no longer available. A payment link ends once the invoice is paid.";
    ToHome => "Naar de startpagina", "Zur Startseite", "Go to the start page";
    ErrorSummary => "Controleer het formulier", "Bitte prüfen Sie das Formular", "Please check the form";

    ErrLoginFailed => "E-mailadres of wachtwoord klopt niet.", "E-Mail-Adresse oder Passwort ist falsch.", "Email address or password is incorrect.";
    ErrEmailInvalid => "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.", "Geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.", "Enter a valid email address, like name@example.com.";
    ErrRequired => "Dit veld is verplicht.", "Dieses Feld ist erforderlich.", "This field is required.";
    ErrPasswordTooShort => "Het wachtwoord moet minstens 8 tekens hebben.", "Das Passwort muss mindestens 8 Zeichen haben.", "The password needs at least 8 characters.";
    ErrPasswordTooLong => "Het wachtwoord mag hoogstens 128 tekens hebben.", "Das Passwort darf höchstens 128 Zeichen haben.", "The password can have at most 128 characters.";
    ErrPasswordTooCommon => "Dit wachtwoord is te bekend. Kies een ander.", "Dieses Passwort ist zu verbreitet. Wählen Sie ein anderes.", "This password is too common. Choose another one.";
    ErrPasswordMismatch => "De wachtwoorden zijn niet gelijk.", "Die Passwörter stimmen nicht überein.", "The passwords do not match.";
    ErrLinkInvalid => "Deze link is verlopen of al gebruikt. Vraag een nieuwe aan.", "Dieser Link ist abgelaufen oder wurde schon benutzt. Fordern Sie einen neuen an.", "This link has expired or was already used. Request a new one.";
    ErrCustomerNumber => "Vul uw klantnummer in (alleen letters, cijfers en streepjes).", "Geben Sie Ihre Kundennummer ein (nur Buchstaben, Ziffern und Bindestriche).", "Enter your customer number (letters, digits and dashes only).";
    ErrCodeInvalid => "Deze code klopt niet.", "Dieser Code ist falsch.", "This code is incorrect.";
    ErrCodeExpired => "Deze code is verlopen. Vraag een nieuwe aan.", "Dieser Code ist abgelaufen. Fordern Sie einen neuen an.", "This code has expired. Request a new one.";
    ErrNoContact => "Wij hebben geen e-mailadres van u. Neem contact met ons op.", "Wir haben keine E-Mail-Adresse von Ihnen. Bitte kontaktieren Sie uns.", "We have no email address for you. Please contact us.";
    ErrCsrf => "Het formulier was verlopen. Probeer het nog een keer.", "Das Formular war abgelaufen. Bitte versuchen Sie es noch einmal.", "The form had expired. Please try again.";
    ErrRateLimited => "Te veel pogingen. Wacht een paar minuten en probeer het opnieuw.", "Zu viele Versuche. Warten Sie ein paar Minuten und versuchen Sie es erneut.", "Too many attempts. Wait a few minutes and try again.";
    ErrSelectInvoice => "Kies minstens één openstaande factuur.", "Wählen Sie mindestens eine offene Rechnung.", "Choose at least one open invoice.";
    ErrPartialNotAllowed => "Een deel betalen is hier niet mogelijk. Betaal het hele bedrag of vraag een regeling aan.", "Teilzahlungen sind hier nicht möglich. Zahlen Sie den ganzen Betrag oder fragen Sie nach einer Ratenzahlung.", "Paying part is not possible here. Pay the full amount or ask for a payment plan.";
    ErrAmountOutOfRange => "Vul een bedrag in tussen het minimum en het openstaande bedrag.", "Geben Sie einen Betrag zwischen dem Mindestbetrag und dem offenen Betrag ein.", "Enter an amount between the minimum and the amount due.";
    ErrAmountInvalid => "Vul een bedrag in, bijvoorbeeld 25,00.", "Geben Sie einen Betrag ein, z. B. 25,00.", "Enter an amount, like 25.00.";
    ErrPaymentPending => "Er loopt al een betaling voor deze factuur. Wacht tot die is verwerkt.", "Für diese Rechnung läuft bereits eine Zahlung. Bitte warten Sie, bis sie verarbeitet ist.", "A payment for this invoice is already under way. Please wait until it is processed.";
    ErrAlreadyPaid => "Deze factuur is al betaald.", "Diese Rechnung ist bereits bezahlt.", "This invoice is already paid.";
    ErrCheckoutInProgress => "Een van deze facturen zit al in een andere betaling. Rond die eerst af of betaal de facturen apart.", "Eine dieser Rechnungen ist schon Teil einer anderen Zahlung. Schließen Sie diese zuerst ab oder zahlen Sie einzeln.", "One of these invoices is already in another payment. Finish that one first or pay the invoices separately.";
    ErrProviderUnavailable => "Online betalen lukt nu niet. Probeer het later opnieuw of betaal per overboeking.", "Online-Zahlung ist gerade nicht möglich. Versuchen Sie es später oder zahlen Sie per Überweisung.", "Online payment is not available right now. Try again later or pay by bank transfer.";
    ErrOnlineUnavailable => "Online betalen is niet beschikbaar. Betaal per overboeking.", "Online-Zahlung ist nicht verfügbar. Bitte zahlen Sie per Überweisung.", "Online payment is not available. Please pay by bank transfer.";
    ErrInternal => "Er ging iets mis aan onze kant. Probeer het later opnieuw.", "Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es später erneut.", "Something went wrong on our side. Please try again later.";

    NoticeLinkSent => "Als dit e-mailadres bij ons bekend is, hebben wij een inloglink gestuurd.", "Wenn diese E-Mail-Adresse bei uns bekannt ist, haben wir einen Anmeldelink gesendet.", "If we know this email address, we have sent a login link.";
    NoticeActivationSent => "Als de gegevens kloppen, hebben wij een link gestuurd naar het e-mailadres dat bij ons bekend is.", "Wenn die Angaben stimmen, haben wir einen Link an die hinterlegte E-Mail-Adresse gesendet.", "If the details match, we have sent a link to the email address we have on file.";
    NoticeResetSent => "Als er een account bij dit e-mailadres hoort, hebben wij een link gestuurd.", "Wenn zu dieser E-Mail-Adresse ein Konto gehört, haben wir einen Link gesendet.", "If an account belongs to this email address, we have sent a link.";
    NoticePasswordSet => "Uw wachtwoord is opgeslagen.", "Ihr Passwort wurde gespeichert.", "Your password has been saved.";
    NoticeLoggedOut => "U bent uitgelogd.", "Sie sind abgemeldet.", "You have logged out.";
    LetterCodeTitle => "Code uit uw brief", "Code aus Ihrem Brief", "Code from your letter";
    LetterCodeIntro => "Typ de code die in uw brief staat. U ziet dan de factuur en kunt direct betalen.", "Geben Sie den Code aus Ihrem Brief ein. Sie sehen dann die Rechnung und können direkt bezahlen.", "Type the code printed in your letter. You will see the invoice and can pay at once.";
    LetterCodeLabel => "Code", "Code", "Code";
    LetterCodeHint => "10 tekens, bijvoorbeeld K7M2Q-9XD3F", "10 Zeichen, zum Beispiel K7M2Q-9XD3F", "10 characters, for example K7M2Q-9XD3F";
    LetterCodeButton => "Verder", "Weiter", "Continue";
    LetterCodeLink => "Brief ontvangen? Typ uw code", "Brief erhalten? Code eingeben", "Got a letter? Type your code";
    ErrLetterCode => "Deze code kennen wij niet, of de factuur is al betaald. Controleer de code in uw brief.", "Diesen Code kennen wir nicht, oder die Rechnung ist schon bezahlt. Bitte prüfen Sie den Code in Ihrem Brief.", "We do not know this code, or the invoice is already paid. Please check the code in your letter.";
    NavProfile => "Mijn gegevens", "Meine Daten", "My details";
    ProfileTitle => "Mijn gegevens", "Meine Daten", "My details";
    ProfileIntro => "Houd uw gegevens actueel, dan bereiken onze berichten u op de manier die u wilt.", "Halten Sie Ihre Daten aktuell, damit unsere Nachrichten Sie so erreichen, wie Sie es möchten.", "Keep your details up to date, so our messages reach you the way you want.";
    ProfileFullLogin => "Log in met uw wachtwoord of een inloglink om uw gegevens te wijzigen.", "Melden Sie sich mit Ihrem Passwort oder einem Anmeldelink an, um Ihre Daten zu ändern.", "Log in with your password or a login link to change your details.";
    EmailHeading => "E-mailadres", "E-Mail-Adresse", "Email address";
    CurrentEmail => "Huidig e-mailadres", "Aktuelle E-Mail-Adresse", "Current email address";
    NewEmail => "Nieuw e-mailadres", "Neue E-Mail-Adresse", "New email address";
    CurrentPassword => "Huidig wachtwoord", "Aktuelles Passwort", "Current password";
    CurrentPasswordHint => "Niet nodig als u net bent ingelogd.", "Nicht nötig, wenn Sie sich gerade angemeldet haben.", "Not needed if you have just logged in.";
    EmailChangeButton => "Stuur bevestigingslink", "Bestätigungslink senden", "Send confirmation link";
    PendingConfirmation => "Wacht op bevestiging", "Wartet auf Bestätigung", "Waiting for confirmation";
    PhoneHeading => "Mobiel nummer", "Handynummer", "Mobile number";
    CurrentPhone => "Huidig nummer", "Aktuelle Nummer", "Current number";
    NewPhone => "Nieuw mobiel nummer", "Neue Handynummer", "New mobile number";
    PhoneHint => "Bijvoorbeeld 06 12345678. U krijgt een sms met een code.", "Zum Beispiel 0151 23456789. Sie erhalten eine SMS mit einem Code.", "For example 06 12345678. You will get a text message with a code.";
    PhoneCodeButton => "Stuur code per sms", "Code per SMS senden", "Text me a code";
    AddressHeading => "Postadres", "Postanschrift", "Postal address";
    Street => "Straat en huisnummer", "Straße und Hausnummer", "Street and number";
    City => "Plaats", "Ort", "Town or city";
    Country => "Land", "Land", "Country";
    SaveButton => "Opslaan", "Speichern", "Save";
    PrefsHeading => "Hoe wilt u berichten ontvangen?", "Wie möchten Sie Nachrichten erhalten?", "How would you like to hear from us?";
    ChannelEmail => "Per e-mail", "Per E-Mail", "By email";
    ChannelSms => "Per sms", "Per SMS", "By text message";
    ChannelLetter => "Per brief", "Per Brief", "By letter";
    SmsConsent => "Ik ga akkoord met betalingsherinneringen per sms op mijn mobiele nummer.", "Ich bin mit Zahlungserinnerungen per SMS an meine Handynummer einverstanden.", "I agree to payment reminders by text message to my mobile number.";
    TrackingConsent => "Tel het wanneer ik een herinnering per e-mail open of op de link erin klik. Zo kiezen wij beter wanneer en hoe wij u herinneren.", "Zählen Sie, wann ich eine Erinnerung per E-Mail öffne oder ihren Link anklicke. So wählen wir besser, wann und wie wir Sie erinnern.", "Count when I open a reminder email or click its link. It helps us choose when and how to remind you.";
    ConsentsHeading => "Toestemmingen", "Einwilligungen", "Consents";
    ConsentSms => "Herinneringen per sms", "Erinnerungen per SMS", "Reminders by text message";
    ConsentVoice => "Automatische herinneringsgesprekken", "Automatische Erinnerungsanrufe", "Automated reminder calls";
    VoiceConsent => "Ik ga akkoord met automatische telefoongesprekken over openstaande betalingen op mijn mobiele nummer (binnen de belmomenten, met een keuzemenu).", "Ich bin mit automatischen Anrufen zu offenen Zahlungen auf meiner Handynummer einverstanden (innerhalb der Anrufzeiten, mit Tastenmenü).", "I agree to automated calls about open payments on my mobile number (within calling hours, with a keypad menu).";
    ErrVoiceNeedsPhone => "Voor automatische gesprekken hebben wij uw mobiele nummer nodig.", "Für automatische Anrufe brauchen wir Ihre Handynummer.", "For automated calls we need your mobile number.";
    ConsentTracking => "Openen en klikken tellen", "Öffnen und Klicken zählen", "Counting opens and clicks";
    ConsentGiven => "Gegeven", "Erteilt", "Given";
    ConsentWithdrawn => "Ingetrokken", "Widerrufen", "Withdrawn";
    ConsentViaPortal => "Online, in het portaal", "Online, im Portal", "Online, in the portal";
    ConsentViaStaff => "Door een medewerker", "Durch einen Mitarbeiter", "By a member of staff";
    PrefsNote => "Brieven die de wet voorschrijft, sturen wij altijd.", "Gesetzlich vorgeschriebene Schreiben senden wir immer.", "Letters the law requires are always sent.";
    EmailConfirmTitle => "Nieuw e-mailadres bevestigen", "Neue E-Mail-Adresse bestätigen", "Confirm your new email address";
    EmailConfirmIntro => "Druk op de knop om dit e-mailadres te gaan gebruiken.", "Drücken Sie die Schaltfläche, um diese E-Mail-Adresse zu verwenden.", "Press the button to start using this email address.";
    EmailConfirmButton => "Bevestigen", "Bestätigen", "Confirm";
    ErrPostcode => "Deze postcode klopt niet voor het gekozen land.", "Diese Postleitzahl passt nicht zum gewählten Land.", "This postcode is not valid for the chosen country.";
    ErrCountry => "Kies een land uit de lijst.", "Wählen Sie ein Land aus der Liste.", "Choose a country from the list.";
    ErrTooLong => "Dit is te lang.", "Das ist zu lang.", "This is too long.";
    ErrCharacters => "Hier staan tekens in die wij niet kunnen gebruiken (stuurtekens of tekens die de leesrichting omdraaien).", "Hier stehen Zeichen, die wir nicht verwenden können (Steuerzeichen oder Zeichen, die die Leserichtung umkehren).", "This contains characters we cannot use (control characters or characters that reverse the reading direction).";
    ErrLanguage => "Kies een taal uit de lijst.", "Wählen Sie eine Sprache aus der Liste.", "Choose a language from the list.";
    ErrChannelNeeded => "Kies ten minste één manier.", "Wählen Sie mindestens einen Weg.", "Choose at least one way.";
    ErrSmsConsent => "Geef toestemming voor sms, of zet sms uit.", "Stimmen Sie SMS zu oder schalten Sie SMS aus.", "Agree to text messages, or turn them off.";
    ErrSmsNeedsPhone => "Voeg eerst een mobiel nummer toe.", "Fügen Sie zuerst eine Handynummer hinzu.", "Add a mobile number first.";
    ErrEmailUnchanged => "Dit is al uw e-mailadres.", "Das ist bereits Ihre E-Mail-Adresse.", "This already is your email address.";
    ErrPasswordWrong => "Dit wachtwoord klopt niet.", "Dieses Passwort ist falsch.", "This password is not correct.";
    ErrPhoneInvalid => "Dit is geen geldig telefoonnummer.", "Das ist keine gültige Telefonnummer.", "This is not a valid phone number.";
    ErrPhoneNotMobile => "Dit is geen mobiel nummer; sms kan alleen naar een mobiel nummer.", "Das ist keine Handynummer; SMS gehen nur an Handynummern.", "This is not a mobile number; text messages only go to mobile numbers.";
    ErrPhoneUnchanged => "Dit is al uw nummer.", "Das ist bereits Ihre Nummer.", "This already is your number.";
    ErrFullLogin => "Log opnieuw in om dit te wijzigen.", "Melden Sie sich erneut an, um das zu ändern.", "Log in again to change this.";
    ErrEmailInUse => "Dit e-mailadres kunnen wij niet gebruiken. Neem contact met ons op.", "Diese E-Mail-Adresse können wir nicht verwenden. Bitte kontaktieren Sie uns.", "We cannot use this email address. Please contact us.";
    NoticeSaved => "Opgeslagen.", "Gespeichert.", "Saved.";
    NoticeEmailLinkSent => "Wij hebben een bevestigingslink gestuurd naar uw nieuwe e-mailadres.", "Wir haben einen Bestätigungslink an Ihre neue E-Mail-Adresse gesendet.", "We sent a confirmation link to your new email address.";
    NoticePhoneCodeSent => "Wij hebben een code per sms gestuurd. Die is 10 minuten geldig.", "Wir haben einen Code per SMS gesendet. Er ist 10 Minuten gültig.", "We sent a code by text message. It is valid for 10 minutes.";
    NoticePhoneSaved => "Uw mobiele nummer is opgeslagen.", "Ihre Handynummer ist gespeichert.", "Your mobile number is saved.";
    NoticeEmailChanged => "Uw nieuwe e-mailadres is bevestigd.", "Ihre neue E-Mail-Adresse ist bestätigt.", "Your new email address is confirmed.";
    DisputeLink => "Klopt er iets niet? Maak bezwaar", "Stimmt etwas nicht? Einspruch erheben", "Something wrong? Raise a dispute";
    DisputeTitle => "Bezwaar maken", "Einspruch erheben", "Raise a dispute";
    DisputeIntro => "Vertel ons wat er niet klopt. Zolang wij uw bezwaar bekijken, sturen wij geen herinneringen over deze factuur.", "Sagen Sie uns, was nicht stimmt. Solange wir Ihren Einspruch prüfen, senden wir zu dieser Rechnung keine Mahnungen.", "Tell us what is wrong. While we look into it, we send no reminders about this invoice.";
    DisputeReason => "Wat is er aan de hand?", "Worum geht es?", "What is the matter?";
    ReasonAmountWrong => "Het bedrag klopt niet", "Der Betrag stimmt nicht", "The amount is wrong";
    ReasonAlreadyPaid => "Ik heb al betaald", "Ich habe schon bezahlt", "I have already paid";
    ReasonNotReceived => "Ik heb de dienst of het product niet ontvangen", "Ich habe die Leistung nicht erhalten", "I did not receive the service or product";
    ReasonOther => "Iets anders", "Etwas anderes", "Something else";
    DisputeText => "Uw toelichting", "Ihre Erläuterung", "Your explanation";
    DisputeTextHint => "Ten hoogste 2000 tekens.", "Höchstens 2000 Zeichen.", "At most 2000 characters.";
    DisputeAttachment => "Bijlage (niet verplicht)", "Anhang (freiwillig)", "Attachment (optional)";
    DisputeAttachmentHint => "PDF, JPG of PNG, ten hoogste 5 MB. Bijvoorbeeld een betaalbewijs.", "PDF, JPG oder PNG, höchstens 5 MB. Zum Beispiel ein Zahlungsbeleg.", "PDF, JPG or PNG, at most 5 MB. For example proof of payment.";
    DisputeButton => "Bezwaar indienen", "Einspruch absenden", "Send dispute";
    DisputesHeading => "Uw bezwaar", "Ihr Einspruch", "Your dispute";
    DisputeOpen => "In behandeling", "In Bearbeitung", "Being looked into";
    DisputeAccepted => "Toegekend", "Stattgegeben", "Accepted";
    DisputeRejected => "Afgewezen", "Abgelehnt", "Rejected";
    DisputeHeld => "Zolang wij uw bezwaar bekijken, ontvangt u over deze factuur geen herinneringen.", "Solange wir Ihren Einspruch prüfen, erhalten Sie zu dieser Rechnung keine Mahnungen.", "While we look into your dispute, you get no reminders about this invoice.";
    ErrReasonRequired => "Kies wat er aan de hand is.", "Wählen Sie, worum es geht.", "Choose what the matter is.";
    ErrAttachmentTooLarge => "Dit bestand is groter dan 5 MB.", "Diese Datei ist größer als 5 MB.", "This file is larger than 5 MB.";
    ErrAttachmentType => "Alleen PDF, JPG of PNG.", "Nur PDF, JPG oder PNG.", "Only PDF, JPG or PNG.";
    ErrDisputeOpen => "Over deze factuur loopt al een bezwaar.", "Zu dieser Rechnung läuft bereits ein Einspruch.", "A dispute about this invoice is already open.";
    ErrDisputeClosedInvoice => "Over deze factuur kunt u geen bezwaar meer maken; neem contact met ons op.", "Zu dieser Rechnung ist kein Einspruch mehr möglich; bitte kontaktieren Sie uns.", "This invoice can no longer be disputed; please contact us.";
    NoticeDisputeOpened => "Uw bezwaar is ontvangen. U hoort van ons zodra wij het hebben bekeken.", "Ihr Einspruch ist eingegangen. Sie hören von uns, sobald wir ihn geprüft haben.", "Your dispute was received. We will let you know once we have looked into it.";
    NavCallback => "Terugbellen", "Rückruf", "Callback";
    CallbackTitle => "Bel mij terug", "Rückruf vereinbaren", "Call me back";
    CallbackIntro => "Kies een onderwerp en een moment. Wij bellen u dan.", "Wählen Sie ein Thema und einen Zeitpunkt. Wir rufen Sie dann an.", "Choose a topic and a time. We will call you then.";
    CallbackHolds => "Tot het gesprek ontvangt u over de gekozen facturen geen herinneringen.", "Bis zum Gespräch erhalten Sie zu den gewählten Rechnungen keine Mahnungen.", "Until the call you get no reminders about the chosen invoices.";
    CallbackTopic => "Waarover wilt u praten?", "Worüber möchten Sie sprechen?", "What would you like to talk about?";
    TopicPayment => "Betalen", "Bezahlen", "Paying";
    TopicPlan => "Een betalingsregeling", "Eine Ratenzahlung", "A payment plan";
    TopicDispute => "Iets klopt niet", "Etwas stimmt nicht", "Something is wrong";
    TopicOther => "Iets anders", "Etwas anderes", "Something else";
    CallbackPhone => "Op welk nummer bellen wij u?", "Unter welcher Nummer rufen wir Sie an?", "Which number should we call?";
    CallbackSlot => "Wanneer?", "Wann?", "When?";
    CallbackNoSlots => "Er zijn nu geen momenten vrij. Bel ons gerust zelf.", "Zurzeit sind keine Zeiten frei. Rufen Sie uns gern selbst an.", "No times are free right now. Feel free to call us yourself.";
    CallbackInvoices => "Over welke facturen? (geen keuze: alle openstaande)", "Zu welchen Rechnungen? (keine Auswahl: alle offenen)", "About which invoices? (none chosen: all open ones)";
    CallbackButton => "Bel mij terug", "Rückruf buchen", "Book the callback";
    CallbackBooked => "Uw afspraak", "Ihr Termin", "Your appointment";
    CallbackMove => "Verzetten", "Verschieben", "Move";
    CallbackCancel => "Annuleren", "Absagen", "Cancel";
    ErrTopicRequired => "Kies een onderwerp.", "Wählen Sie ein Thema.", "Choose a topic.";
    ErrSlotRequired => "Kies een van de vrije momenten.", "Wählen Sie eine der freien Zeiten.", "Choose one of the free times.";
    ErrSlotFull => "Dit moment is net vol geraakt. Kies een ander.", "Diese Zeit ist gerade ausgebucht. Bitte wählen Sie eine andere.", "This time has just filled up. Please choose another.";
    ErrCallbackBooked => "U heeft al een terugbelafspraak. Verzet of annuleer die eerst.", "Sie haben bereits einen Rückruftermin. Verschieben oder sagen Sie ihn zuerst ab.", "You already have a callback booked. Move or cancel it first.";
    ErrInvoiceUnknown => "Kies alleen uw openstaande facturen.", "Wählen Sie nur Ihre offenen Rechnungen.", "Choose only your open invoices.";
    NoticeCallbackBooked => "Uw terugbelafspraak staat. U krijgt een bevestiging.", "Ihr Rückruftermin steht. Sie erhalten eine Bestätigung.", "Your callback is booked. You will get a confirmation.";
    NoticeCallbackMoved => "Uw afspraak is verzet.", "Ihr Termin ist verschoben.", "Your appointment was moved.";
    NoticeCallbackCancelled => "Uw afspraak is geannuleerd.", "Ihr Termin ist abgesagt.", "Your appointment was cancelled.";
    DeferHeading => "Later betalen", "Später bezahlen", "Pay later";
    DeferIntro => "Lukt betalen nu niet? Kies een nieuwe betaaldatum. Tot de getoonde datum kan dat direct, één keer per factuur; een latere datum vragen wij voor u aan.", "Klappt das Bezahlen gerade nicht? Wählen Sie ein neues Zahlungsdatum. Bis zum angezeigten Datum geht das sofort, einmal je Rechnung; ein späteres Datum beantragen wir für Sie.", "Cannot pay right now? Choose a new payment date. Up to the date shown it is done at once, once per invoice; for a later date we ask on your behalf.";
    DeferUntil => "Nieuwe betaaldatum", "Neues Zahlungsdatum", "New payment date";
    DeferUntilHint => "Direct geregeld tot en met", "Sofort erledigt bis einschließlich", "Done at once up to and including";
    DeferRequestHint => "Deze factuur is al eens verzet: een nieuwe datum vragen wij voor u aan.", "Diese Rechnung wurde schon einmal verschoben: ein neues Datum beantragen wir für Sie.", "This invoice was moved once already: we ask for a new date on your behalf.";
    DeferButton => "Betaaldatum wijzigen", "Zahlungsdatum ändern", "Change the payment date";
    DeferredNote => "De betaaldatum is verzet; de oorspronkelijke vervaldatum was", "Das Zahlungsdatum wurde verschoben; das ursprüngliche Fälligkeitsdatum war", "The payment date was moved; the original due date was";
    ErrDateInvalid => "Vul een datum in.", "Geben Sie ein Datum ein.", "Enter a date.";
    ErrDateTooEarly => "Kies een datum na de huidige vervaldatum.", "Wählen Sie ein Datum nach dem jetzigen Fälligkeitsdatum.", "Choose a date after the current due date.";
    ErrDeferralNotPossible => "Deze factuur kunt u niet zelf verzetten; neem contact met ons op.", "Diese Rechnung können Sie nicht selbst verschieben; bitte kontaktieren Sie uns.", "You cannot move this invoice yourself; please contact us.";
    ErrDeferralPending => "U heeft voor deze factuur al een verzoek gedaan; wij laten u weten wat wij besluiten.", "Sie haben für diese Rechnung bereits einen Antrag gestellt; wir melden uns mit unserer Entscheidung.", "You already asked for this invoice; we will let you know what we decide.";
    NoticeDeferralGranted => "De betaaldatum is gewijzigd. Tot die datum ontvangt u geen herinneringen over deze factuur.", "Das Zahlungsdatum wurde geändert. Bis dahin erhalten Sie zu dieser Rechnung keine Mahnungen.", "The payment date was changed. Until then you get no reminders about this invoice.";
    NoticeDeferralRequested => "Uw verzoek is verstuurd. Wij laten u weten wat wij besluiten.", "Ihr Antrag ist verschickt. Wir melden uns mit unserer Entscheidung.", "Your request was sent. We will let you know what we decide.";
    RepHeading => "Uw vertegenwoordiger", "Ihre Vertretung", "Your representative";
    RepAdministrator => "Bewindvoerder", "Betreuer (Vermögenssorge)", "Administrator";
    RepGuardian => "Curator of mentor", "Vormund", "Guardian";
    RepDebtCounsellor => "Schuldhulpverlener", "Schuldnerberatung", "Debt counsellor";
    RepOther => "Vertegenwoordiger", "Vertretung", "Representative";
    RepInstead => "ontvangt onze berichten in plaats van u.", "erhält unsere Nachrichten an Ihrer Stelle.", "receives our messages instead of you.";
    RepBesides => "ontvangt onze berichten ook.", "erhält unsere Nachrichten ebenfalls.", "receives our messages as well.";
    PlanLink => "In termijnen betalen", "In Raten zahlen", "Pay in instalments";
    PlanTitle => "Betalingsregeling", "Ratenzahlung", "Payment plan";
    PlanIntro => "Betaal in termijnen. Te betalen:", "Zahlen Sie in Raten. Zu zahlen:", "Pay in instalments. To pay:";
    PlanInstalments => "Aantal termijnen", "Anzahl der Raten", "Number of instalments";
    PlanFirst => "Eerste betaaldatum", "Erstes Zahlungsdatum", "First payment date";
    PlanFirstHint => "Uiterlijk", "Spätestens", "At the latest";
    PlanShow => "Toon het schema", "Plan anzeigen", "Show the schedule";
    PlanSchedule => "Uw schema", "Ihr Zahlungsplan", "Your schedule";
    PlanOutside => "Dit schema valt buiten onze standaardregeling. U kunt het aanvragen; wij laten u weten wat wij besluiten.", "Dieser Plan liegt außerhalb unserer Standardregelung. Sie können ihn beantragen; wir melden uns mit unserer Entscheidung.", "This schedule is outside our standard terms. You can ask for it; we will let you know what we decide.";
    PlanAccept => "Akkoord, regeling afsluiten", "Einverstanden, Ratenzahlung vereinbaren", "Agree and set up the plan";
    PlanRequest => "Regeling aanvragen", "Ratenzahlung beantragen", "Ask for this plan";
    PlanNotPossible => "Voor deze factuur kunt u nu geen regeling afsluiten; neem contact met ons op.", "Für diese Rechnung ist jetzt keine Ratenzahlung möglich; bitte kontaktieren Sie uns.", "No plan is possible for this invoice right now; please contact us.";
    PlanHeading => "Uw betalingsregeling", "Ihre Ratenzahlung", "Your payment plan";
    PlanRequested => "Aangevraagd; wij laten u weten wat wij besluiten.", "Beantragt; wir melden uns mit unserer Entscheidung.", "Requested; we will let you know what we decide.";
    PlanPaid => "Betaald", "Bezahlt", "Paid";
    PlanNext => "Zo betaalt u de volgende termijn", "So zahlen Sie die nächste Rate", "How to pay the next instalment";
    PlanWhich => "Welke facturen?", "Welche Rechnungen?", "Which invoices?";
    PlanWhichHint => "U kunt uw andere openstaande facturen in dezelfde regeling opnemen.", "Sie können Ihre anderen offenen Rechnungen in denselben Plan aufnehmen.", "You can include your other open invoices in the same plan.";
    PlanCovers => "Deze regeling geldt voor:", "Dieser Plan umfasst:", "This plan covers:";
    PlanPayInstalment => "Betaal deze termijn online", "Diese Rate online bezahlen", "Pay this instalment online";
    PayInstalment => "Termijn", "Rate", "Instalment";
    ErrTooManyInvoices => "Kies hoogstens 20 facturen.", "Wählen Sie höchstens 20 Rechnungen.", "Choose at most 20 invoices.";
    ErrPlanNotActive => "Voor deze factuur loopt geen betalingsregeling meer.", "Für diese Rechnung läuft keine Ratenzahlung mehr.", "No payment plan is running for this invoice any more.";
    ErrPlanTotal => "Het bedrag is te laag voor een regeling.", "Der Betrag ist für eine Ratenzahlung zu niedrig.", "The amount is too low for a plan.";
    ErrPlanInstalments => "Kies een ander aantal termijnen.", "Wählen Sie eine andere Anzahl von Raten.", "Choose another number of instalments.";
    ErrPlanInstalmentSmall => "De termijnen worden te klein; kies minder termijnen.", "Die Raten werden zu klein; wählen Sie weniger Raten.", "The instalments get too small; choose fewer.";
    ErrPlanFirstDue => "De eerste betaaldatum ligt te ver weg.", "Das erste Zahlungsdatum liegt zu weit in der Zukunft.", "The first payment date is too far away.";
    ErrPlanExists => "Voor een van deze facturen loopt al een regeling.", "Für eine dieser Rechnungen läuft bereits eine Ratenzahlung.", "A plan for one of these invoices is already running.";
    NoticePlanCreated => "Uw betalingsregeling is afgesloten. Zolang u de termijnen betaalt, ontvangt u geen herinneringen.", "Ihre Ratenzahlung ist vereinbart. Solange Sie die Raten zahlen, erhalten Sie keine Mahnungen.", "Your payment plan is set up. While you pay the instalments you get no reminders.";
    NoticePlanRequested => "Uw aanvraag is verstuurd. Wij laten u weten wat wij besluiten.", "Ihr Antrag ist verschickt. Wir melden uns mit unserer Entscheidung.", "Your request was sent. We will let you know what we decide.";
    NoticeCodeSent => "Wij hebben een code gestuurd. Die is 10 minuten geldig.", "Wir haben einen Code gesendet. Er ist 10 Minuten gültig.", "We sent a code. It is valid for 10 minutes.";
}

/// The text for a stable error or notice code from the server.
pub fn code_text(locale: Locale, code: &str) -> &'static str {
    let key = match code {
        "login_failed" => Key::ErrLoginFailed,
        "email_invalid" => Key::ErrEmailInvalid,
        "required" => Key::ErrRequired,
        "password_too_short" => Key::ErrPasswordTooShort,
        "password_too_long" => Key::ErrPasswordTooLong,
        "password_too_common" => Key::ErrPasswordTooCommon,
        "password_mismatch" => Key::ErrPasswordMismatch,
        "link_invalid" => Key::ErrLinkInvalid,
        "customer_number_invalid" => Key::ErrCustomerNumber,
        "code_invalid" => Key::ErrCodeInvalid,
        "code_expired" => Key::ErrCodeExpired,
        "letter_code_invalid" => Key::ErrLetterCode,
        "plan_total_too_small" => Key::ErrPlanTotal,
        "plan_instalments_out_of_range" => Key::ErrPlanInstalments,
        "plan_instalment_too_small" => Key::ErrPlanInstalmentSmall,
        "plan_first_due_out_of_window" => Key::ErrPlanFirstDue,
        "plan_exists" => Key::ErrPlanExists,
        "too_many_invoices" => Key::ErrTooManyInvoices,
        "plan_not_active" => Key::ErrPlanNotActive,
        "plan_not_possible" => Key::PlanNotPossible,
        "plan_created" => Key::NoticePlanCreated,
        "plan_requested" => Key::NoticePlanRequested,
        "date_invalid" => Key::ErrDateInvalid,
        "date_too_early" => Key::ErrDateTooEarly,
        "deferral_not_possible" => Key::ErrDeferralNotPossible,
        "deferral_pending" => Key::ErrDeferralPending,
        "deferral_granted" => Key::NoticeDeferralGranted,
        "deferral_requested" => Key::NoticeDeferralRequested,
        "topic_required" => Key::ErrTopicRequired,
        "slot_required" => Key::ErrSlotRequired,
        "slot_full" => Key::ErrSlotFull,
        "callback_already_booked" => Key::ErrCallbackBooked,
        "invoice_unknown" => Key::ErrInvoiceUnknown,
        "callback_booked" => Key::NoticeCallbackBooked,
        "callback_moved" => Key::NoticeCallbackMoved,
        "callback_cancelled" => Key::NoticeCallbackCancelled,
        "reason_required" => Key::ErrReasonRequired,
        "attachment_too_large" => Key::ErrAttachmentTooLarge,
        "attachment_type" => Key::ErrAttachmentType,
        "dispute_already_open" => Key::ErrDisputeOpen,
        "dispute_not_open_invoice" => Key::ErrDisputeClosedInvoice,
        "dispute_opened" => Key::NoticeDisputeOpened,
        "postcode_invalid" => Key::ErrPostcode,
        "country_invalid" => Key::ErrCountry,
        "too_long" => Key::ErrTooLong,
        "characters_invalid" => Key::ErrCharacters,
        "language_invalid" => Key::ErrLanguage,
        "channel_needed" => Key::ErrChannelNeeded,
        "sms_consent_needed" => Key::ErrSmsConsent,
        "sms_needs_phone" => Key::ErrSmsNeedsPhone,
        "voice_needs_phone" => Key::ErrVoiceNeedsPhone,
        "email_unchanged" => Key::ErrEmailUnchanged,
        "password_wrong" => Key::ErrPasswordWrong,
        "phone_invalid" => Key::ErrPhoneInvalid,
        "phone_not_mobile" => Key::ErrPhoneNotMobile,
        "phone_unchanged" => Key::ErrPhoneUnchanged,
        "full_login_needed" => Key::ErrFullLogin,
        "email_in_use" => Key::ErrEmailInUse,
        "saved" => Key::NoticeSaved,
        "email_link_sent" => Key::NoticeEmailLinkSent,
        "phone_code_sent" => Key::NoticePhoneCodeSent,
        "phone_saved" => Key::NoticePhoneSaved,
        "email_changed" => Key::NoticeEmailChanged,
        "no_contact_on_file" => Key::ErrNoContact,
        "csrf" => Key::ErrCsrf,
        "rate_limited" => Key::ErrRateLimited,
        "link_sent" => Key::NoticeLinkSent,
        "activation_sent" => Key::NoticeActivationSent,
        "reset_sent" => Key::NoticeResetSent,
        "password_set" => Key::NoticePasswordSet,
        "logged_out" => Key::NoticeLoggedOut,
        "code_sent" => Key::NoticeCodeSent,
        "select_invoice" => Key::ErrSelectInvoice,
        "partial_not_allowed" => Key::ErrPartialNotAllowed,
        "amount_out_of_range" => Key::ErrAmountOutOfRange,
        "amount_invalid" => Key::ErrAmountInvalid,
        "payment_pending" => Key::ErrPaymentPending,
        "already_paid" => Key::ErrAlreadyPaid,
        "checkout_in_progress" => Key::ErrCheckoutInProgress,
        "provider_unavailable" => Key::ErrProviderUnavailable,
        "online_payment_unavailable" => Key::ErrOnlineUnavailable,
        _ => Key::ErrInternal,
    };
    t(locale, key)
}

/// Email texts. Links come from the tenant's base URL; no invoice details (privacy).
pub mod mail {
    use crate::locale::Locale;

    pub struct MailText {
        pub subject: String,
        pub body: String,
    }

    pub fn set_password(l: Locale, tenant: &str, link: &str) -> MailText {
        match l {
            Locale::Nl => MailText {
                subject: format!("Activeer uw account bij {tenant}"),
                body: format!("Goedendag,\n\nU heeft gevraagd uw account te activeren. Kies een wachtwoord via deze link (60 minuten geldig):\n\n{link}\n\nHeeft u dit niet gevraagd? Dan kunt u deze e-mail negeren."),
            },
            Locale::De => MailText {
                subject: format!("Aktivieren Sie Ihr Konto bei {tenant}"),
                body: format!("Guten Tag,\n\nSie haben die Aktivierung Ihres Kontos angefordert. Wählen Sie Ihr Passwort über diesen Link (60 Minuten gültig):\n\n{link}\n\nHaben Sie das nicht angefordert? Dann ignorieren Sie diese E-Mail."),
            },
            Locale::En => MailText {
                subject: format!("Activate your account at {tenant}"),
                body: format!("Hello,\n\nYou asked to activate your account. Choose a password with this link (valid for 60 minutes):\n\n{link}\n\nDid not ask for this? You can ignore this email."),
            },
        }
    }

    pub fn login_link(l: Locale, tenant: &str, link: &str) -> MailText {
        match l {
            Locale::Nl => MailText {
                subject: format!("Uw inloglink voor {tenant}"),
                body: format!("Goedendag,\n\nMet deze link logt u in (10 minuten geldig, werkt één keer):\n\n{link}\n\nHeeft u dit niet gevraagd? Dan kunt u deze e-mail negeren."),
            },
            Locale::De => MailText {
                subject: format!("Ihr Anmeldelink für {tenant}"),
                body: format!("Guten Tag,\n\nMit diesem Link melden Sie sich an (10 Minuten gültig, einmal verwendbar):\n\n{link}\n\nHaben Sie das nicht angefordert? Dann ignorieren Sie diese E-Mail."),
            },
            Locale::En => MailText {
                subject: format!("Your login link for {tenant}"),
                body: format!("Hello,\n\nThis link logs you in (valid for 10 minutes, works once):\n\n{link}\n\nDid not ask for this? You can ignore this email."),
            },
        }
    }

    /// A payment link staff sent on request (by email; the SMS is the subject and the link).
    pub fn payment_link(l: Locale, tenant: &str, invoice: &str, amount: &str, link: &str) -> MailText {
        match l {
            Locale::Nl => MailText {
                subject: format!("Betaallink voor factuur {invoice} van {tenant}"),
                body: format!("Goedendag,\n\nZoals gevraagd: met deze link betaalt u factuur {invoice} ({amount}) direct, zonder in te loggen:\n\n{link}"),
            },
            Locale::De => MailText {
                subject: format!("Zahlungslink für Rechnung {invoice} von {tenant}"),
                body: format!("Guten Tag,\n\nWie gewünscht: Mit diesem Link bezahlen Sie Rechnung {invoice} ({amount}) sofort, ohne Anmeldung:\n\n{link}"),
            },
            Locale::En => MailText {
                subject: format!("Payment link for invoice {invoice} from {tenant}"),
                body: format!("Hello,\n\nAs asked: this link pays invoice {invoice} ({amount}) at once, without logging in:\n\n{link}"),
            },
        }
    }

    pub fn password_reset(l: Locale, tenant: &str, link: &str) -> MailText {
        match l {
            Locale::Nl => MailText {
                subject: format!("Nieuw wachtwoord voor {tenant}"),
                body: format!("Goedendag,\n\nKies een nieuw wachtwoord via deze link (30 minuten geldig):\n\n{link}\n\nHeeft u dit niet gevraagd? Dan blijft uw wachtwoord ongewijzigd."),
            },
            Locale::De => MailText {
                subject: format!("Neues Passwort für {tenant}"),
                body: format!("Guten Tag,\n\nWählen Sie ein neues Passwort über diesen Link (30 Minuten gültig):\n\n{link}\n\nHaben Sie das nicht angefordert? Dann bleibt Ihr Passwort unverändert."),
            },
            Locale::En => MailText {
                subject: format!("New password for {tenant}"),
                body: format!("Hello,\n\nChoose a new password with this link (valid for 30 minutes):\n\n{link}\n\nDid not ask for this? Your password stays unchanged."),
            },
        }
    }

    pub fn receipt(l: Locale, tenant: &str, amount: &str, invoices: &str) -> MailText {
        match l {
            Locale::Nl => MailText {
                subject: format!("Betaling ontvangen door {tenant}"),
                body: format!("Goedendag,\n\nWij hebben uw betaling van {amount} ontvangen voor factuur {invoices}. Dank u wel.\n\nDeze e-mail is uw betaalbewijs."),
            },
            Locale::De => MailText {
                subject: format!("Zahlung bei {tenant} eingegangen"),
                body: format!("Guten Tag,\n\nIhre Zahlung von {amount} für die Rechnung {invoices} ist bei uns eingegangen. Vielen Dank.\n\nDiese E-Mail ist Ihre Zahlungsbestätigung."),
            },
            Locale::En => MailText {
                subject: format!("Payment received by {tenant}"),
                body: format!("Hello,\n\nWe received your payment of {amount} for invoice {invoices}. Thank you.\n\nThis email is your receipt."),
            },
        }
    }

    pub fn email_change_confirm(l: Locale, tenant: &str, link: &str) -> MailText {
        match l {
            Locale::Nl => MailText {
                subject: format!("Bevestig uw nieuwe e-mailadres bij {tenant}"),
                body: format!("Goedendag,\n\nU wilt dit e-mailadres gebruiken voor {tenant}. Bevestig het met deze link (24 uur geldig):\n{link}\n\nHeeft u dit niet gevraagd? Dan kunt u deze e-mail negeren."),
            },
            Locale::De => MailText {
                subject: format!("Bestätigen Sie Ihre neue E-Mail-Adresse bei {tenant}"),
                body: format!("Guten Tag,\n\nSie möchten diese E-Mail-Adresse für {tenant} verwenden. Bitte bestätigen Sie sie mit diesem Link (24 Stunden gültig):\n{link}\n\nHaben Sie das nicht angefordert? Dann ignorieren Sie diese E-Mail."),
            },
            Locale::En => MailText {
                subject: format!("Confirm your new email address at {tenant}"),
                body: format!("Hello,\n\nYou want to use this email address for {tenant}. Please confirm it with this link (valid for 24 hours):\n{link}\n\nDid not ask for this? You can ignore this email."),
            },
        }
    }

    pub fn email_change_notice(l: Locale, tenant: &str, new: &str) -> MailText {
        match l {
            Locale::Nl => MailText {
                subject: format!("Uw e-mailadres bij {tenant} wordt gewijzigd"),
                body: format!("Goedendag,\n\nEr is gevraagd om uw e-mailadres bij {tenant} te wijzigen in {new}. Het nieuwe adres geldt pas als het is bevestigd.\n\nHeeft u dit niet zelf gedaan? Neem dan contact met ons op en wijzig uw wachtwoord."),
            },
            Locale::De => MailText {
                subject: format!("Ihre E-Mail-Adresse bei {tenant} wird geändert"),
                body: format!("Guten Tag,\n\nEs wurde angefordert, Ihre E-Mail-Adresse bei {tenant} in {new} zu ändern. Die neue Adresse gilt erst nach der Bestätigung.\n\nWaren Sie das nicht? Dann kontaktieren Sie uns bitte und ändern Sie Ihr Passwort."),
            },
            Locale::En => MailText {
                subject: format!("Your email address at {tenant} is being changed"),
                body: format!("Hello,\n\nSomeone asked to change your email address at {tenant} to {new}. The new address only counts once it is confirmed.\n\nWas this not you? Please contact us and change your password."),
            },
        }
    }

    /// The outcome of a dispute; `explanation` is staff's own words (may be empty on acceptance).
    /// Staff decided a request outside the policy: a payment plan (`plan`) or a later payment
    /// date (`deferral`). `date` is the first instalment's or the new payment date, formatted.
    pub fn request_decided(
        l: Locale,
        tenant: &str,
        kind: &str,
        granted: bool,
        date: &str,
        explanation: &str,
        link: &str,
    ) -> MailText {
        let why = if explanation.is_empty() {
            String::new()
        } else {
            format!("\n\n{explanation}")
        };
        let plan = kind == "plan";
        match (l, granted, plan) {
            (Locale::Nl, true, true) => MailText {
                subject: format!("{tenant}: Uw betalingsregeling is goedgekeurd"),
                body: format!("Goedendag,\n\nWij hebben uw verzoek om een betalingsregeling goedgekeurd. De eerste termijn betaalt u uiterlijk {date}; zolang u de termijnen betaalt, ontvangt u geen herinneringen.{why}\n\nBekijk uw regeling: {link}"),
            },
            (Locale::Nl, true, false) => MailText {
                subject: format!("{tenant}: Uw uitstel is goedgekeurd"),
                body: format!("Goedendag,\n\nWij hebben uw verzoek om uitstel goedgekeurd. U betaalt uiterlijk {date}.{why}\n\nBekijk de factuur: {link}"),
            },
            (Locale::Nl, false, _) => MailText {
                subject: format!("{tenant}: Over uw verzoek"),
                body: format!("Goedendag,\n\nWij hebben uw verzoek bekeken, maar kunnen het niet toekennen.{why}\n\nNeem gerust contact met ons op, of bekijk de factuur: {link}"),
            },
            (Locale::De, true, true) => MailText {
                subject: format!("{tenant}: Ihre Ratenzahlung ist genehmigt"),
                body: format!("Guten Tag,\n\nwir haben Ihren Antrag auf Ratenzahlung genehmigt. Die erste Rate zahlen Sie bis spätestens {date}; solange Sie die Raten zahlen, erhalten Sie keine Mahnungen.{why}\n\nZu Ihrem Plan: {link}"),
            },
            (Locale::De, true, false) => MailText {
                subject: format!("{tenant}: Ihr Zahlungsaufschub ist genehmigt"),
                body: format!("Guten Tag,\n\nwir haben Ihren Antrag auf Zahlungsaufschub genehmigt. Sie zahlen bis spätestens {date}.{why}\n\nZur Rechnung: {link}"),
            },
            (Locale::De, false, _) => MailText {
                subject: format!("{tenant}: Zu Ihrem Antrag"),
                body: format!("Guten Tag,\n\nwir haben Ihren Antrag geprüft, können ihm aber nicht entsprechen.{why}\n\nSprechen Sie uns gern an, oder sehen Sie sich die Rechnung an: {link}"),
            },
            (Locale::En, true, true) => MailText {
                subject: format!("{tenant}: Your payment plan is approved"),
                body: format!("Hello,\n\nWe approved your request for a payment plan. The first instalment is due by {date}; while you pay the instalments you get no reminders.{why}\n\nSee your plan: {link}"),
            },
            (Locale::En, true, false) => MailText {
                subject: format!("{tenant}: Your later payment date is approved"),
                body: format!("Hello,\n\nWe approved your request to pay later. Please pay by {date}.{why}\n\nSee the invoice: {link}"),
            },
            (Locale::En, false, _) => MailText {
                subject: format!("{tenant}: About your request"),
                body: format!("Hello,\n\nWe looked at your request but cannot grant it.{why}\n\nFeel free to contact us, or see the invoice: {link}"),
            },
        }
    }

    pub fn dispute_decided(
        l: Locale,
        tenant: &str,
        invoice: &str,
        accepted: bool,
        explanation: &str,
        link: &str,
    ) -> MailText {
        let why = if explanation.is_empty() {
            String::new()
        } else {
            format!("\n\n{explanation}")
        };
        match (l, accepted) {
            (Locale::Nl, true) => MailText {
                subject: format!("{tenant}: Uw bezwaar over factuur {invoice} is toegekend"),
                body: format!("Goedendag,\n\nWij hebben uw bezwaar over factuur {invoice} toegekend. Wij passen de factuur aan; tot dan ontvangt u er geen herinneringen over.{why}\n\nBekijk de factuur: {link}"),
            },
            (Locale::Nl, false) => MailText {
                subject: format!("{tenant}: Uw bezwaar over factuur {invoice} is afgewezen"),
                body: format!("Goedendag,\n\nWij hebben uw bezwaar over factuur {invoice} bekeken en afgewezen. De reden:{why}\n\nDe factuur staat weer open. Bekijk en betaal hem hier: {link}"),
            },
            (Locale::De, true) => MailText {
                subject: format!("{tenant}: Ihrem Einspruch zur Rechnung {invoice} wurde stattgegeben"),
                body: format!("Guten Tag,\n\nwir haben Ihrem Einspruch zur Rechnung {invoice} stattgegeben. Wir korrigieren die Rechnung; bis dahin erhalten Sie dazu keine Mahnungen.{why}\n\nZur Rechnung: {link}"),
            },
            (Locale::De, false) => MailText {
                subject: format!("{tenant}: Ihr Einspruch zur Rechnung {invoice} wurde abgelehnt"),
                body: format!("Guten Tag,\n\nwir haben Ihren Einspruch zur Rechnung {invoice} geprüft und abgelehnt. Die Begründung:{why}\n\nDie Rechnung ist wieder offen. Hier können Sie sie ansehen und bezahlen: {link}"),
            },
            (Locale::En, true) => MailText {
                subject: format!("{tenant}: Your dispute about invoice {invoice} was accepted"),
                body: format!("Hello,\n\nWe accepted your dispute about invoice {invoice}. We will correct the invoice; until then you will get no reminders about it.{why}\n\nSee the invoice: {link}"),
            },
            (Locale::En, false) => MailText {
                subject: format!("{tenant}: Your dispute about invoice {invoice} was rejected"),
                body: format!("Hello,\n\nWe looked into your dispute about invoice {invoice} and rejected it. The reason:{why}\n\nThe invoice is open again. See and pay it here: {link}"),
            },
        }
    }

    /// Confirms a booked, moved or cancelled callback; the subject alone serves as the SMS.
    pub fn callback(l: Locale, tenant: &str, when: &str, cancelled: bool) -> MailText {
        match (l, cancelled) {
            (Locale::Nl, false) => MailText {
                subject: format!("{tenant}: wij bellen u op {when}"),
                body: format!("Goedendag,\n\nU heeft een terugbelverzoek gedaan. Wij bellen u op {when}. Wijzigen of annuleren kan tot dat moment op de pagina Terugbellen."),
            },
            (Locale::Nl, true) => MailText {
                subject: format!("{tenant}: uw terugbelafspraak van {when} is geannuleerd"),
                body: format!("Goedendag,\n\nUw terugbelafspraak van {when} is geannuleerd. U kunt altijd een nieuwe maken."),
            },
            (Locale::De, false) => MailText {
                subject: format!("{tenant}: Wir rufen Sie am {when} an"),
                body: format!("Guten Tag,\n\nSie haben einen Rückruf gebucht. Wir rufen Sie am {when} an. Ändern oder absagen können Sie bis dahin auf der Seite Rückruf."),
            },
            (Locale::De, true) => MailText {
                subject: format!("{tenant}: Ihr Rückruf am {when} ist abgesagt"),
                body: format!("Guten Tag,\n\nIhr Rückruf am {when} ist abgesagt. Sie können jederzeit einen neuen buchen."),
            },
            (Locale::En, false) => MailText {
                subject: format!("{tenant}: we will call you on {when}"),
                body: format!("Hello,\n\nYou booked a callback. We will call you on {when}. You can change or cancel it until then on the Callback page."),
            },
            (Locale::En, true) => MailText {
                subject: format!("{tenant}: your callback on {when} is cancelled"),
                body: format!("Hello,\n\nYour callback on {when} is cancelled. You can book a new one at any time."),
            },
        }
    }

    pub struct InstalmentFacts<'a> {
        pub seq: i32,
        pub of: i32,
        pub amount: &'a str,
        pub due: &'a str,
        pub reference: &'a str,
        pub iban: &'a str,
        pub link: &'a str,
        /// Set for the "not paid yet" notice: the last day before the plan ends.
        pub last_day: Option<&'a str>,
    }

    /// An instalment's reminder (before its date) or its "not paid yet" notice (after it); the
    /// subject alone serves as the SMS.
    pub fn instalment(l: Locale, tenant: &str, f: &InstalmentFacts) -> MailText {
        let InstalmentFacts {
            seq,
            of,
            amount,
            due,
            reference,
            iban,
            link,
            last_day,
        } = *f;
        match (l, last_day) {
            (Locale::Nl, None) => MailText {
                subject: format!("{tenant}: termijn {seq} van {of}, {amount}, uiterlijk {due}"),
                body: format!("Goedendag,\n\nTermijn {seq} van {of} van uw betalingsregeling is {amount}, te betalen uiterlijk {due}.\nMaak het over naar {iban} met betalingskenmerk {reference}, of betaal deze termijn direct: {link}"),
            },
            (Locale::Nl, Some(last)) => MailText {
                subject: format!("{tenant}: termijn {seq} van {of} is nog niet betaald"),
                body: format!("Goedendag,\n\nTermijn {seq} van {of} ({amount}, te betalen op {due}) hebben wij nog niet ontvangen. Betaal uiterlijk {last}, anders vervalt uw betalingsregeling.\nMaak het over naar {iban} met betalingskenmerk {reference}, of betaal deze termijn direct: {link}"),
            },
            (Locale::De, None) => MailText {
                subject: format!("{tenant}: Rate {seq} von {of}, {amount}, fällig am {due}"),
                body: format!("Guten Tag,\n\nRate {seq} von {of} Ihrer Ratenzahlung beträgt {amount} und ist am {due} fällig.\nBitte überweisen Sie an {iban} mit der Referenz {reference}, oder bezahlen Sie diese Rate direkt: {link}"),
            },
            (Locale::De, Some(last)) => MailText {
                subject: format!("{tenant}: Rate {seq} von {of} ist noch nicht bezahlt"),
                body: format!("Guten Tag,\n\nRate {seq} von {of} ({amount}, fällig am {due}) ist noch nicht eingegangen. Bitte zahlen Sie bis spätestens {last}, sonst endet Ihre Ratenzahlung.\nBitte überweisen Sie an {iban} mit der Referenz {reference}, oder bezahlen Sie diese Rate direkt: {link}"),
            },
            (Locale::En, None) => MailText {
                subject: format!("{tenant}: instalment {seq} of {of}, {amount}, due {due}"),
                body: format!("Hello,\n\nInstalment {seq} of {of} of your payment plan is {amount}, due on {due}.\nPlease transfer it to {iban} with reference {reference}, or pay this instalment here: {link}"),
            },
            (Locale::En, Some(last)) => MailText {
                subject: format!("{tenant}: instalment {seq} of {of} is not paid yet"),
                body: format!("Hello,\n\nWe have not received instalment {seq} of {of} ({amount}, due on {due}). Please pay by {last}, or your payment plan ends.\nPlease transfer it to {iban} with reference {reference}, or pay this instalment here: {link}"),
            },
        }
    }

    /// The SMS that confirms a new mobile number.
    pub fn phone_code_sms(l: Locale, tenant: &str, code: &str) -> String {
        match l {
            Locale::Nl => format!("{tenant}: uw code is {code}. Hij is 10 minuten geldig."),
            Locale::De => format!("{tenant}: Ihr Code lautet {code}. Er ist 10 Minuten gültig."),
            Locale::En => format!("{tenant}: your code is {code}. It is valid for 10 minutes."),
        }
    }

    pub fn step_up_code(l: Locale, tenant: &str, code: &str) -> MailText {
        match l {
            Locale::Nl => MailText {
                subject: format!("Uw code voor {tenant}"),
                body: format!("Goedendag,\n\nUw code is {code}. Hij is 10 minuten geldig.\n\nHeeft u dit niet gevraagd? Dan kunt u deze e-mail negeren."),
            },
            Locale::De => MailText {
                subject: format!("Ihr Code für {tenant}"),
                body: format!("Guten Tag,\n\nIhr Code lautet {code}. Er ist 10 Minuten gültig.\n\nHaben Sie das nicht angefordert? Dann ignorieren Sie diese E-Mail."),
            },
            Locale::En => MailText {
                subject: format!("Your code for {tenant}"),
                body: format!("Hello,\n\nYour code is {code}. It is valid for 10 minutes.\n\nDid not ask for this? You can ignore this email."),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_text_in_every_language() {
        for key in Key::ALL {
            for l in Locale::ALL {
                assert!(!t(l, *key).trim().is_empty(), "{key:?} empty in {l:?}");
            }
        }
    }

    #[test]
    fn dutch_and_german_differ_from_english_where_words_differ() {
        assert_ne!(t(Locale::Nl, Key::LoginButton), t(Locale::En, Key::LoginButton));
        assert_ne!(t(Locale::De, Key::NavInvoices), t(Locale::En, Key::NavInvoices));
    }

    #[test]
    fn unknown_codes_fall_back_to_a_generic_message() {
        assert_eq!(code_text(Locale::En, "no_such_code"), t(Locale::En, Key::ErrInternal));
        assert_eq!(
            code_text(Locale::De, "login_failed"),
            t(Locale::De, Key::ErrLoginFailed)
        );
    }
}

/// The page language: the user's explicit choice, else the account's language, else the
/// browser's Accept-Language, else the tenant's default.
pub fn pick_locale(
    choice: Option<&str>,
    account: Option<&str>,
    accept_language: Option<&str>,
    default: Locale,
) -> Locale {
    choice
        .and_then(Locale::parse)
        .or_else(|| account.and_then(Locale::parse))
        .or_else(|| accept_language.and_then(Locale::from_accept_language))
        .unwrap_or(default)
}

#[cfg(test)]
mod pick_tests {
    use super::*;

    #[test]
    fn choice_beats_account_beats_browser_beats_tenant() {
        assert_eq!(pick_locale(Some("de"), Some("nl"), Some("en"), Locale::Nl), Locale::De);
        assert_eq!(pick_locale(None, Some("en"), Some("de"), Locale::Nl), Locale::En);
        assert_eq!(pick_locale(None, None, Some("de-DE,de;q=0.9"), Locale::Nl), Locale::De);
        assert_eq!(pick_locale(None, None, Some("fr-FR"), Locale::Nl), Locale::Nl);
        assert_eq!(pick_locale(Some("xx"), None, None, Locale::De), Locale::De);
    }
}
