//! What Settle says on an automated reminder call (text to speech), in the debtor's language.
//! Nothing about the debt is said before the person who answered has entered the digits of
//! the debtor's postcode.
use super::Locale;

catalog! {
    enum VoiceKey, fn vt;
    Greeting => "Goedendag. Dit is een automatisch bericht van", "Guten Tag. Dies ist eine automatische Nachricht von", "Hello. This is an automated message from";
    EnterPostcode => "Om zeker te weten dat wij de juiste persoon spreken: toets de cijfers van uw postcode.", "Damit wir sicher sind, die richtige Person zu sprechen: Bitte geben Sie die Ziffern Ihrer Postleitzahl ein.", "To make sure we are speaking to the right person, please enter the digits of your postcode.";
    NoCheck => "Wij kunnen niet controleren wie er opneemt. U ontvangt uw gegevens per post of e-mail. Tot ziens.", "Wir können nicht prüfen, wer am Apparat ist. Sie erhalten Ihre Unterlagen per Post oder E-Mail. Auf Wiederhören.", "We cannot check who has answered. You will get the details by post or email. Goodbye.";
    WrongDigits => "Dat klopt helaas niet.", "Das stimmt leider nicht.", "That is not right, sorry.";
    Refused => "Dat klopt helaas niet. Wij sturen u de gegevens per post of e-mail. Tot ziens.", "Das stimmt leider nicht. Wir senden Ihnen die Unterlagen per Post oder E-Mail. Auf Wiederhören.", "That is not right, sorry. We will send you the details by post or email. Goodbye.";
    NotHeard => "Wij hebben niets gehoord. Tot ziens.", "Wir haben nichts gehört. Auf Wiederhören.", "We did not hear anything. Goodbye.";
    Invoice => "Er staat een betaling voor u open: factuur", "Bei Ihnen ist eine Zahlung offen: Rechnung", "A payment is open for you: invoice";
    Amount => "bedrag", "Betrag", "amount";
    Due => "te betalen uiterlijk", "fällig bis", "due by";
    Menu => "Toets 1 voor een betaallink per sms. Toets 2 om teruggebeld te worden. Toets 3 om nu met de klantenservice te spreken.", "Drücken Sie die 1 für einen Zahlungslink per SMS. Drücken Sie die 2 für einen Rückruf. Drücken Sie die 3, um jetzt mit dem Kundenservice zu sprechen.", "Press 1 for a payment link by text message. Press 2 to be called back. Press 3 to speak to customer service now.";
    LinkSent => "U ontvangt de betaallink zo per sms. Dank u wel en tot ziens.", "Sie erhalten den Zahlungslink gleich per SMS. Vielen Dank und auf Wiederhören.", "You will get the payment link by text message shortly. Thank you, goodbye.";
    NoPhone => "Wij kunnen geen sms sturen naar dit nummer. Tot ziens.", "Wir können an diese Nummer keine SMS senden. Auf Wiederhören.", "We cannot send a text message to this number. Goodbye.";
    CallbackBooked => "Wij bellen u terug op", "Wir rufen Sie zurück am", "We will call you back on";
    NoCallback => "Er is nu geen terugbelmoment vrij. U kunt ons bellen op", "Im Moment ist kein Rückruftermin frei. Sie erreichen uns unter", "No callback time is free right now. You can call us on";
    Connecting => "U wordt doorverbonden met de klantenservice.", "Sie werden mit dem Kundenservice verbunden.", "Connecting you to customer service.";
    Closed => "De klantenservice is nu gesloten. Openingstijden:", "Der Kundenservice ist jetzt geschlossen. Öffnungszeiten:", "Customer service is closed now. Opening hours:";
    NothingOpen => "Er staat niets meer voor u open. Dank u wel en tot ziens.", "Bei Ihnen ist nichts mehr offen. Vielen Dank und auf Wiederhören.", "Nothing is open for you any more. Thank you, goodbye.";
    Goodbye => "Tot ziens.", "Auf Wiederhören.", "Goodbye.";
}
